"""What the exerciser does next: mostly what a purposeful resident would do on this screen (answer
the question, photograph the paper, sign), often something else entirely (any control on screen,
首页 in the middle of a form, 大字, 朗读, 求助), and now and then something the station does to them
(a card placed or lifted, a device unplugged, the network gone, time passing).

Why a guide at all: pure random taps never get past a form of thirty questions, so the screens
behind it (materials, signature, receipt, 好差评) would never be exercised. The guide knows how to
answer each kind of question (from the bundles' stored examples, `forms.examples`) and where the
demo's PINs are; it chooses *which* control to press — every press still goes through the window
like a finger, and every step is checked alike.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from kiosk.ui.exerciser.touch import Control

# People a resident might be: the demo's sample cards and a few typed by hand (valid check digits;
# ages that make each bundle's items apply or not).
TYPED_PEOPLE = (
    ("张三", "11010519491231002X"),
    ("刘桂兰", "210102194003080022"),
    ("赵建国", "21010419620517001X"),
    ("孙丽", "210103199203154523"),
)
CARDS = ("resident", "resident_long_term", "resident_zhang", "hk_mo_tw", "foreign_permanent")
AGENT_CARD, AGENT_PIN = "resident_zhang", "1357"
STAFF_ID, STAFF_PIN = "0001", "258025"

# Controls that move a person on: a purposeful resident presses these more than the rest.
FORWARD = {
    "startButton", "startFormButton", "nextButton", "confirmPrefilledButton", "materialsNext",
    "reviewConfirmButton", "confirmSignature", "toRatingButton", "submitRatingButton", "finishButton",
    "creditContinueButton", "confirmButton", "agentLoginButton", "staffLoginButton", "confirmConsent",
    "continueButton", "shootButton", "useButton", "lookupDoneButton", "promiseConfirm", "agreeButton",
}
RARE = {"homeButton": 0.25, "largeTextButton": 0.3, "speakButton": 0.4, "helpButton": 0.3,
        "agentQuitButton": 0.3, "staffLogoutButton": 0.5}


@dataclass
class Op:
    """One step of a plan: press the control named `name` (inside `within`, with `text` when
    given), type `text` into the focused box, draw on a pad, or let time pass."""

    kind: str                  # tap | type | stroke | wait | event
    name: str = ""
    within: str = ""
    text: str = ""
    arg: object = None


@dataclass
class Action:
    kind: str                  # tap | stroke | type | event | wait
    control: Control | None = None
    text: str = ""
    event: str = ""
    arg: object = None
    planned: bool = False

    def describe(self) -> str:
        if self.kind in ("tap", "stroke") and self.control is not None:
            name = self.control.key[0] or self.control.kind
            label = self.control.label.replace("\n", " ")[:20]
            return f"{self.kind} {name} “{label}”" if label else f"{self.kind} {name}"
        if self.kind == "type":
            return f"type “{self.text}”"
        if self.kind == "event":
            return f"event {self.event}" + (f" {self.arg}" if self.arg else "")
        return self.kind


_SIGN_STROKES = (Op("stroke", "signatureArea"), Op("stroke", "signatureArea"))

EVENTS = ("card_placed", "card_lifted", "reader_unplugged", "reader_replugged", "printer_unplugged",
          "printer_replugged", "network_down", "network_up", "idle_warning", "idle_wipe", "time_passes")


@dataclass
class Guide:
    """The purposeful resident: plans per screen, from what is on it now."""

    rng: random.Random
    agent_mode: bool = False
    person: tuple[str, str] = ("", "")
    bundle_variant: dict = field(default_factory=dict)
    stuck: dict = field(default_factory=dict)

    def plan(self, kiosk, names: set[str]) -> list[Op]:  # noqa: ANN001, PLR0911, PLR0912 - one branch per screen
        shell = kiosk.shell
        screen = shell.property("screen")
        rng = self.rng
        if shell.property("warningVisible"):
            return [Op("tap", "continueButton")] if rng.random() < 0.8 else []
        if shell.property("helpVisible"):
            return [Op("tap", rng.choice(["closeHelpButton", "callStaffButton"]))]
        if screen == "attract":
            weights = {"demoCardButton": 4, "manualButton": 3, "scanButton": 1.5, "lookupButton": 1,
                       "staffButton": 0.7, "agentButton": 3 if self.agent_mode else 0.8}
            choice = _weighted(rng, {k: v for k, v in weights.items() if k in names})
            if choice == "manualButton":
                return [Op("tap", "manualButton"), *self._identify_by_hand()]
            if choice == "staffButton":
                return [Op("tap", "staffButton"), *self._staff_login()]
            if choice == "agentButton":
                return [Op("tap", "agentButton"), *self._agent_login()]
            return [Op("tap", choice)] if choice else []
        if screen == "identify_manual":
            return self._identify_by_hand()
        if screen == "scan":
            return [Op("wait", arg=4.0)] if rng.random() < 0.5 else [Op("tap", "scanManual")]
        if screen == "identified":
            return [Op("tap", "startButton")]
        if screen == "choose_bundle":      # now and then a category chip first (按类别), then a tile
            chips = sorted(n for n in names if n.startswith("category_"))
            if chips and rng.random() < 0.4:
                return [Op("tap", rng.choice(chips))]
            tiles = sorted(n for n in names if n.startswith("bundle_"))
            return [Op("tap", rng.choice(tiles))] if tiles else []
        if screen == "credit_notice":
            return [Op("tap", "creditContinueButton" if rng.random() < 0.85 else "creditDeclineButton")]
        if screen == "bundle_intro":      # 通办: nothing this station can take → 返回, choose another
            return [Op("tap", "startFormButton" if "startFormButton" in names else "backButton")]
        if screen == "question":
            return self._answer(kiosk, names)
        if screen == "materials":
            return self._materials(kiosk, names)
        if screen == "capture":
            return self._capture(kiosk, names)
        if screen == "review":
            return [Op("tap", "reviewConfirmButton")]
        if screen == "sign":
            return [*_SIGN_STROKES, Op("tap", "confirmSignature")]
        if screen == "saving":
            return [Op("wait", arg=3.0)]
        if screen == "instant":           # 立等可取: wait a little, or stop waiting
            return [Op("wait", arg=3.0)] if rng.random() < 0.7 else [Op("tap", "stopWaitingButton")]
        if screen == "receipt":
            return [Op("tap", "toRatingButton")]
        if screen == "rating":
            return self._rate(kiosk, names)
        if screen == "agent_login":
            return self._agent_login()
        if screen == "agent_resident":
            if rng.random() < 0.6:
                return [Op("tap", "demoResidentCardButton"), Op("wait", arg=2.0)]
            return [Op("tap", "agentManualButton"), *self._identify_by_hand()]
        if screen == "agent_consent":
            if rng.random() < 0.8:
                return [*_SIGN_STROKES, Op("tap", "confirmConsent")]
            return [Op("tap", "photographAuthorisation")]
        if screen == "staff_login":
            return self._staff_login()
        if screen == "staff_home":
            choices = [n for n in names
                       if n.startswith(("staff", "testPrint", "findUsb", "retry_", "exportTo_"))]
            return [Op("tap", rng.choice(sorted(choices)))] if choices else []
        if screen == "status_lookup":
            choices = [n for n in names
                       if n.startswith(("reprintReceipt_", "printCertificate_", "lookupDone"))]
            return [Op("tap", rng.choice(sorted(choices)))] if choices else []
        return []

    # --- plans --------------------------------------------------------------------------------
    def _identify_by_hand(self) -> list[Op]:
        name, id_number = self.rng.choice(TYPED_PEOPLE)
        self.person = (name, id_number)
        ops = [Op("tap", "", within="nameField", arg="text"), Op("type", text=name),
               Op("tap", "", within="idField"), Op("tap", "key_clear", within="keypad")]
        ops += [Op("tap", f"key_{c}", within="keypad") for c in id_number]
        return ops + [Op("tap", "confirmButton")]

    def _agent_login(self) -> list[Op]:
        ops = [Op("tap", "demoAgentCardButton"), Op("wait", arg=2.0)]
        ops += [Op("tap", f"key_{c}", within="agentKeypad") for c in AGENT_PIN]
        return ops + [Op("tap", "agentLoginButton"), Op("wait", arg=2.0)]

    def _staff_login(self) -> list[Op]:
        ops = [Op("tap", "", within="staffIdField")]
        ops += [Op("tap", f"key_{c}", within="staffKeypad") for c in STAFF_ID]
        ops += [Op("tap", "", within="pinField")]
        ops += [Op("tap", f"key_{c}", within="staffKeypad") for c in STAFF_PIN]
        return ops + [Op("tap", "staffLoginButton"), Op("wait", arg=2.0)]

    def _answer(self, kiosk, names: set[str]) -> list[Op]:  # noqa: ANN001, PLR0911
        from forms import fieldtypes
        from forms.examples import example, variant_titles

        form = kiosk.form
        journey = kiosk.journey
        if journey.form is None:
            return []
        bundle_id = journey.bundle.id
        if self.bundle_variant.get("bundle") != bundle_id:
            n = self.rng.randrange(len(variant_titles(bundle_id)))
            self.bundle_variant = {"bundle": bundle_id, "answers": example(bundle_id, n)["answers"],
                                   "materials": example(bundle_id, n).get("materials") or {}}
        answers = self.bundle_variant["answers"]
        field_id, kind = form.property("fieldId"), form.property("fieldType")
        tries = self.stuck.get(field_id, 0)
        self.stuck[field_id] = tries + 1
        if tries >= 3:            # this question will not take the example's answer: do something else
            return [Op("tap", self.rng.choice(["backButton", "homeButton", "previousButton"]))] \
                if self.rng.random() < 0.3 else []
        if form.property("prefilled"):
            if "confirmPrefilledButton" in names and (tries == 0 or self.rng.random() < 0.5):
                return [Op("tap", "confirmPrefilledButton")]
            return [Op("tap", "editPrefilledButton")]
        value = answers.get(field_id)
        field_def = journey.form.bundle.fields[field_id]
        ops: list[Op] = []
        if kind == "consent":
            return [Op("tap", "agreeButton")]
        if kind in ("choice", "relation"):
            options = [o["value"] for o in form.property("options")]
            pick = value if value in options else (self.rng.choice(options) if options else None)
            if pick:
                ops.append(Op("tap", f"option_{pick}"))
        elif kind == "yes_no":
            pick = value if isinstance(value, bool) else self.rng.random() < 0.5
            ops.append(Op("tap", "option_yes" if pick else "option_no"))
        elif kind == "multi_choice":
            chosen = {o["value"] for o in form.property("options") if o["selected"]}
            want = set(value or []) or {self.rng.choice([o["value"] for o in form.property("options")])}
            ops += [Op("tap", f"option_{v}") for v in sorted(chosen ^ want)]
        elif kind in ("text", "name"):
            text = str(value) if value else self.rng.choice(TYPED_PEOPLE)[0]
            if kind == "name" and field_id == journey.form.bundle.applicant_fields.get("name"):
                text = journey.applicant.get("name", text) if journey.applicant else text
            ops += [Op("tap", "", within="answerField", arg="text"), Op("type", text=text)]
        elif fieldtypes.TYPES[field_def.type].keypad_for(field_def):
            digits = str(value) if value is not None else ""
            if kind == "phone":
                digits = digits.replace("-", "") if digits else "13800000000"
            ops.append(Op("tap", "key_clear", within="numberPad"))
            ops += [Op("tap", {"X": "key_X", ".": "key_dot", "-": "key_dash"}.get(c, f"key_{c}"),
                       within="numberPad") for c in digits]
        elif kind == "date":
            ops += self._date(form, value)
        elif kind == "address":
            ops += self._address(form, value)
        ops.append(Op("tap", "nextButton"))
        return ops

    def _date(self, form, value) -> list[Op]:  # noqa: ANN001
        try:
            want = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            want = None
        if want is None:
            return []
        ops: list[Op] = []
        gap = want.year - form.property("year")
        while gap:
            step = 10 if abs(gap) >= 10 else 1
            ops.append(Op("tap", f"yearPlus{step}" if gap > 0 else f"yearMinus{step}"))
            gap -= step if gap > 0 else -step
        months = want.month - form.property("month")
        ops += [Op("tap", "monthPlus1" if months > 0 else "monthMinus1")] * abs(months)
        days = want.day - min(form.property("day"), 28)
        ops += [Op("tap", "dayPlus1" if days > 0 else "dayMinus1")] * abs(days)
        return ops

    def _address(self, form, value) -> list[Op]:  # noqa: ANN001
        address = value if isinstance(value, dict) else {"city": "210100", "county": "210102",
                                                         "detail": "南京北街100号"}
        ops: list[Op] = []
        if form.property("addressLevel") not in ("city", "province"):
            ops.append(Op("tap", "addressRestartButton"))
        ops += [Op("tap", f"addr_{address.get('city', '210100')}"),
                Op("tap", f"addr_{address.get('county', '210102')}"),
                Op("tap", "", within="addressDetailField", arg="text"),
                Op("type", text=address.get("detail") or "南京北街100号")]
        return ops

    def _materials(self, kiosk, names: set[str]) -> list[Op]:  # noqa: ANN001
        wanted = self.bundle_variant.get("materials", {})
        journey = kiosk.journey
        if journey.form is None:
            return []
        for line in journey.form.materials():
            if line.status != "missing":
                continue
            mid = line.material.id
            choice = wanted.get(mid)
            choice = choice.get("status") if isinstance(choice, dict) else choice
            options = [k for k in ("held", "defer", "promise", "capture") if f"{k}_{mid}" in names]
            pick = {"deferred": "defer", "promised": "promise", "provided": "capture"}.get(choice)
            if pick not in options:
                pick = self.rng.choice(options) if options else None
            if pick == "promise":
                return [Op("tap", f"promise_{mid}"), Op("tap", "promiseConfirm")]
            if pick:
                return [Op("tap", f"{pick}_{mid}")]
        return [Op("tap", "materialsNext")]

    def _capture(self, kiosk, names: set[str]) -> list[Op]:  # noqa: ANN001, ARG002
        stage = kiosk.camera.property("stage")
        if stage == "review":
            return [Op("tap", "useButton"), Op("wait", arg=2.0)]
        if "shootButton" in names and kiosk.camera.property("frameSerial") > 0:
            return [Op("tap", "shootButton"), Op("wait", arg=3.0)]
        return [Op("wait", arg=2.0)]

    def _rate(self, kiosk, names: set[str]) -> list[Op]:  # noqa: ANN001
        state = kiosk.rating.property("state")
        if "finishButton" in names:
            return [Op("tap", "finishButton")]
        score = self.rng.choice([5, 5, 4, 3, 2, 1])
        ops = [Op("tap", f"rate{score}")]
        if score <= 2:
            ops.append(Op("tap", "reason_*"))
        if state != "thanked":
            ops.append(Op("tap", "submitRatingButton"))
        return ops


def _weighted(rng: random.Random, weights: dict[str, float]) -> str | None:
    if not weights:
        return None
    total = sum(weights.values())
    pick = rng.uniform(0, total)
    for key, weight in weights.items():
        pick -= weight
        if pick <= 0:
            return key
    return next(iter(weights))


def random_control(rng: random.Random, found: list[Control]) -> Control | None:
    """Any control on screen, the way a curious finger picks: a keyboard's forty keys count as one
    place to press, a number pad's twelve as one, and the top bar's buttons a little less."""
    if not found:
        return None
    groups: dict[str, list[Control]] = {}
    for control in found:
        if control.kind == "vkb":
            group = "vkb"
        elif control.kind == "key":
            group = "keys:" + str(round(control.rect.top() / 400))
        else:
            group = control.key[0] + "|" + control.label + "|" + str(len(groups))
        groups.setdefault(group, []).append(control)
    weights = {}
    for group, members in groups.items():
        name = members[0].key[0]
        weights[group] = RARE.get(name, 3.0 if name in FORWARD else 1.0)
    chosen = _weighted(rng, weights)
    return rng.choice(groups[chosen]) if chosen else None

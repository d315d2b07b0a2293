"""The exercise loop: a step (a press, a stroke, a few typed words or an event), the screen left to
come to rest, then every invariant checked; at the end, every saved application looked up on the
platform.

The invariants, and why each is phrased as it is:
- no uncaught exception (a slot, a worker thread, or `log.exception`) and no Qt/QML warning;
- no dead control: a press changes the screen or something on it or in the view-models, and a
  move the screen graph refuses (`shell.refused_moves`) is always a dead control;
- no layout jump: the control pressed and its neighbours stay where they were, unless the page
  changed (another screen, question, overlay or camera stage);
- a visible way back (or, on a final screen, forward) and 首页 on every screen;
- after 首页, a timeout or the end of a service, none of that person's data (name, ID number,
  typed answers, reference) is held by any string of the QML tree or of the view-models;
- every application saved is on the platform exactly once after the network is back.

A violation names the seed and the step; the same seed and number of steps replay the same run
(the exerciser waits for conditions, never for a time, so the app is at the same point each time).
"""

from __future__ import annotations

import logging
import random
import sys
import threading
import time
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QPointF
from PySide6.QtGui import QInputMethodEvent

from kiosk.ui.exerciser import observe, touch
from kiosk.ui.exerciser.policy import CARDS, EVENTS, Action, Guide, Op, random_control
from kiosk.ui.exerciser.station import ExerciseStation
from kiosk.ui.navigation import SCREENS

NEIGHBOURHOOD_PX = 400        # controls this close to the finger count as its neighbours
MOVE_TOLERANCE_PX = 1.5
P_EVENT = 0.06
P_GUIDED = 0.75
P_INTERRUPT = 0.03


@dataclass
class Violation:
    step: int
    kind: str
    screen: str
    detail: str

    def as_dict(self) -> dict:
        return {"step": self.step, "kind": self.kind, "screen": self.screen, "detail": self.detail}


@dataclass
class Report:
    seed: int
    taps: int
    screens_total: int
    screens_visited: list[str] = field(default_factory=list)
    transitions: int = 0
    saved: int = 0
    delivered: int = 0
    violations: list[Violation] = field(default_factory=list)
    seconds: float = 0.0
    steps_done: int = 0

    def as_dict(self) -> dict:
        return {"seed": self.seed, "taps": self.taps, "screens_total": self.screens_total,
                "screens_visited": self.screens_visited, "transitions": self.transitions,
                "saved": self.saved, "delivered": self.delivered,
                "violations": [v.as_dict() for v in self.violations],
                "seconds": round(self.seconds, 1),
                "taps_per_second": round(self.steps_done / self.seconds, 2) if self.seconds else 0.0}


class _Errors(logging.Handler):
    """Uncaught exceptions from every way Python reports them in this app."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.found: list[str] = []
        self._old_hook = sys.excepthook
        self._old_thread_hook = threading.excepthook

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.found.append(f"{record.name}: {record.getMessage()} ({record.exc_info[0].__name__})")

    def install(self) -> None:
        sys.excepthook = lambda kind, value, tb: self.found.append(f"{kind.__name__}: {value}")
        threading.excepthook = lambda args: self.found.append(
            f"{args.exc_type.__name__} in thread {args.thread.name if args.thread else '?'}: "
            f"{args.exc_value}")
        logging.getLogger().addHandler(self)

    def remove(self) -> None:
        sys.excepthook = self._old_hook
        threading.excepthook = self._old_thread_hook
        logging.getLogger().removeHandler(self)


def screens_total() -> int:
    return len(SCREENS)


class Exerciser:
    """One run: `Exerciser(seed, …).run(taps)` → Report."""

    def __init__(self, seed: int, *, size: tuple[int, int] = (1080, 1920), large_text: bool = False,
                 agent: bool = False, station: ExerciseStation | None = None) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.agent_mode = agent
        self.station = station or ExerciseStation(size=size, large_text=large_text)
        self.kiosk = self.station.kiosk
        self.guide = Guide(random.Random(seed + 1), agent_mode=agent)
        self.plan: list[Op] = []
        self.secrets: set[str] = set()
        self.wipes = 0
        self.visited: list[str] = []
        self.transitions = 0
        self.step = 0
        self.errors = _Errors()
        self.report: Report | None = None
        self.kiosk.shell.wiped.connect(self._wiped)
        # Every screen shown counts as visited, also one passed through within a step (正在保存).
        self.kiosk.shell.changed.connect(self._visit)
        self._warnings_seen = 0
        self.trace = None          # a callable taking one line per step (`--trace`)
        self.p_event, self.p_guided, self.p_interrupt = P_EVENT, P_GUIDED, P_INTERRUPT
        self.following = False

    # --- settling -------------------------------------------------------------------------------
    def busy(self) -> bool:
        """Work the screen is waiting for: a worker of the UI (a save, a print, a PIN check), or a
        card on a working reader not read yet (for at most 5 s: a reader that never reads it is
        a state the person sees, not something to wait for)."""
        if any(t.name.startswith("kiosk-") and t.name != "kiosk-catalogue" and t.is_alive()
               for t in threading.enumerate()):
            return True
        reader = self.station.reader
        placed = getattr(reader, "placed_at", None)
        return bool(reader.plugged and reader.card_pending and self.kiosk.devices.property("readerReady")
                    and placed is not None and time.perf_counter() - placed < 5.0)

    def settle(self, limit_s: float = 20.0, reference: object = None) -> bool:
        """Until the screen is at rest; True if it differed from `reference` at any moment."""
        _, differed = touch.settle(self.kiosk.app, self.kiosk.window, self.busy,
                                   lambda: observe.settle_state(self.kiosk), limit_s=limit_s,
                                   reference=reference)
        return differed

    def _wiped(self) -> None:
        self.wipes += 1

    # --- the page, for layout jumps -------------------------------------------------------------
    def page(self) -> tuple:
        k = self.kiosk
        shell = k.shell
        screen = shell.property("screen")
        extra: tuple = ()
        if screen == "question":
            form = k.form
            extra = (form.property("fieldId"), form.property("prefilled"), form.property("addressLevel"))
        elif screen == "capture":
            extra = (k.camera.property("stage"), k.camera.property("page"))
        elif screen == "rating":
            extra = (k.rating.property("state"),)
        elif screen == "scan":
            extra = (k.scan.property("state"),)
        elif screen == "agent_login":
            extra = (k.agent.property("stage"),)
        elif screen == "materials":        # 下一步 turns the list to the first paper still owed
            extra = (k.materials.lines_shown,)
        # 大字 re-lays out every screen on purpose, and the keyboard (or the handwriting pad) coming
        # up takes half of it: they change the page as much as a new screen does.
        writing = k.handwriting is not None and k.handwriting.property("open")
        return (screen, shell.property("warningVisible"), shell.property("helpVisible"),
                shell.property("leaveAsked"),
                k.theme.property("large"), observe.keyboard_open(k), writing, extra)

    # --- secrets ----------------------------------------------------------------------------------
    def note_secrets(self) -> None:
        """What of the person being served is on the kiosk now (to be gone after the wipe)."""
        from forms import fieldtypes  # noqa: F401 - the types named below

        k = self.kiosk
        person = k.session.person
        if person is not None:
            self.secrets.update(s for s in (person.name, person.id_number) if s and len(s) >= 2)
        for prop, shortest in (("name", 2), ("idNumber", 6)):
            value = k.identify.property(prop)
            if isinstance(value, str) and len(value) >= shortest:
                self.secrets.add(value)
        form = k.journey.form
        if form is not None:
            for field_id, value in form.answers().items():
                f = form.bundle.fields.get(field_id)
                if f is None:
                    continue
                personal = f.type in ("name", "id_number", "phone", "bank_account")
                if isinstance(value, str) and len(value) >= (2 if personal else 4) \
                        and (personal or f.type == "text"):
                    self.secrets.add(value)
                elif f.type == "address" and isinstance(value, dict) and len(value.get("detail") or "") >= 4:
                    self.secrets.add(value["detail"])
        reference = k.submit.property("reference")
        if reference:
            self.secrets.add(reference)

    def agent_secrets(self) -> set[str]:
        agent = getattr(self.kiosk.agent, "_agent", None)
        if agent is None or not self.kiosk.agent.property("active"):
            return set()
        return {agent.name, agent.id_number}

    # --- choosing and doing -----------------------------------------------------------------------
    def choose(self, found: list[touch.Control]) -> Action:
        """The next step: the plan's next press (now and then abandoned for something else, as a
        person changes their mind), an event, a new plan from the guide, or any control."""
        rng = self.rng
        if self.plan and not self.following and rng.random() < self.p_interrupt:
            self.plan = []
        while self.plan:
            action = self.resolve(self.plan.pop(0), found)
            if action is not None:
                action.planned = True
                return action
            self.plan = []
        if self.following:
            return Action("wait", arg=0.0)
        if rng.random() < self.p_event:
            return self.random_event()
        if rng.random() < self.p_guided:
            self.plan = self.guide.plan(self.kiosk, {c.key[0] for c in found})
            while self.plan:
                action = self.resolve(self.plan.pop(0), found)
                if action is not None:
                    action.planned = True
                    return action
                self.plan = []
        control = random_control(rng, found)
        if control is None:
            return self.random_event()
        if control.kind == "pad":
            return Action("stroke", control)
        return Action("tap", control)

    def random_event(self) -> Action:
        event = self.rng.choice(EVENTS)
        arg = self.rng.choice(CARDS) if event == "card_placed" else None
        return Action("event", event=event, arg=arg)

    def resolve(self, op: Op, found: list[touch.Control]) -> Action | None:
        if op.kind == "wait":
            return Action("wait", arg=op.arg)
        if op.kind == "type":
            return Action("type", text=op.text)
        window = self.kiosk.window
        matches = []
        for control in found:
            name = control.key[0]
            if op.name.endswith("*"):
                if not name.startswith(op.name[:-1]):
                    continue
            elif op.name and name != op.name:
                continue
            if op.within and not _inside(control.item, op.within):
                continue
            if op.arg == "text" and control.kind != "text":
                continue
            matches.append(control)
        if not matches:
            if self.trace is not None:
                self.trace(f"      plan step not on screen: {op}")
            return None
        control = matches[0] if len(matches) == 1 else self.rng.choice(matches)
        if not touch.alive(control.item):
            return None
        if touch.swipe_into_view(control.item):
            self.settle(limit_s=2.0)
        if not touch.reachable(window, control):
            if self.trace is not None:
                self.trace(f"      plan step out of reach: {op} {control.rect}")
            return None
        return Action("stroke" if op.kind == "stroke" else "tap", control)

    def perform(self, action: Action) -> None:
        k = self.kiosk
        window = k.window
        self.station.clock.advance(self.rng.uniform(1.0, 6.0))    # a person's pace
        if action.kind == "tap":
            touch.press_at(window, touch.scene_rect(action.control.item).center())
        elif action.kind == "stroke":
            rect = touch.scene_rect(action.control.item)
            points = [QPointF(rect.left() + rect.width() * (0.1 + 0.8 * self.rng.random()),
                              rect.top() + rect.height() * (0.2 + 0.6 * self.rng.random())) for _ in range(5)]
            touch.stroke(window, points)
        elif action.kind == "type":
            focus = window.activeFocusItem()
            if focus is not None and focus.inherits("QQuickTextInput"):
                # what the pinyin keyboard sends when a word is chosen, replacing what was there
                event = QInputMethodEvent()
                old = len(focus.property("text") or "")
                event.setCommitString(action.text, -old, old)
                QCoreApplication.sendEvent(focus, event)
        elif action.kind == "wait":
            self.wait_for_change(float(action.arg or 2.0))
        elif action.kind == "event":
            self.do_event(action)

    # Screens where something comes by itself (a camera picture, a code decoded, a card read, a
    # save): waiting there is what a person does; elsewhere time passing changes nothing to wait for.
    WAITING_SCREENS = ("scan", "capture", "agent_login", "agent_resident", "attract", "saving",
                       "identify_manual", "status_lookup", "staff_home")

    def wait_for_change(self, seconds: float) -> None:
        """Time passes with the person watching: until something they are waiting for happens (the
        screen or its stage changes, a camera shows its first picture), at most `seconds`."""
        k = self.kiosk
        if k.shell.property("screen") not in self.WAITING_SCREENS:
            return
        start_page = self.page()
        camera_ready = k.camera.property("frameSerial") > 0
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            touch.pump(k.app, 20)
            if self.page() != start_page:
                return
            if not camera_ready and k.shell.property("screen") == "capture" \
                    and k.camera.property("frameSerial") > 0:
                return
        if self.trace is not None:
            self.trace(f"      waited {seconds} s in vain on {start_page}")

    def do_event(self, action: Action) -> None:
        from devices.idcard.samples import sample_for

        st = self.station
        k = self.kiosk
        event = action.event
        if event == "card_placed":
            st.reader.lift()
            st.reader.place(sample_for(action.arg))
            self.wait_for_card()
        elif event == "card_lifted":
            st.reader.lift()
        elif event == "reader_unplugged":
            st.reader.unplug()
        elif event == "reader_replugged":
            st.reader.replug()
        elif event == "printer_unplugged":
            st.printer.unplug()
        elif event == "printer_replugged":
            st.printer.replug()
        elif event == "network_down":
            st.network.down()
        elif event == "network_up":
            st.network.up()
        elif event == "idle_warning":
            st.clock.advance(k.session.idle_timeout_s + 1)
            k.session.tick()
        elif event == "idle_wipe":
            if not k.session.warning_active:
                st.clock.advance(k.session.idle_timeout_s + 1)
                k.session.tick()
            st.clock.advance(k.session.warning_s + 1)
            k.session.tick()
        elif event == "time_passes":
            self.wait_for_change(2.0)

    def wait_for_card(self) -> None:
        """A card on the reader is read within a poll or two (when the reader works): `busy`."""
        self.settle()

    # --- the run ----------------------------------------------------------------------------------
    def run(self, taps: int, *, deliver: bool = True) -> Report:
        k = self.kiosk
        report = Report(self.seed, taps, screens_total())
        self.report = report
        self.errors.install()
        started = time.monotonic()
        try:
            self.settle()
            if self.agent_mode:
                self.plan = [Op("tap", "agentButton"), *self.guide._agent_login()]  # noqa: SLF001
            self._visit()
            self._warnings_seen = len(k.qml_warnings)
            for step in range(1, taps + 1):
                self.step = step
                self.one_step()
                report.steps_done = step
            if deliver:
                self.check_delivery()
        finally:
            self.errors.remove()
        report.seconds = time.monotonic() - started
        report.screens_visited = list(self.visited)
        report.transitions = self.transitions
        return report

    def follow(self, ops: list[Op], limit: int = 60) -> None:
        """Do exactly these steps (the self-test's set-ups), each checked like any other."""
        self.following, self.plan = True, list(ops)
        try:
            for _ in range(limit):
                if not self.plan:
                    return
                self.step += 1
                self.one_step()
        finally:
            self.following, self.plan = False, []

    def start(self, taps: int = 0) -> Report:
        """Begin checking (without running random steps): for the self-test."""
        self.report = Report(self.seed, taps, screens_total())
        self.errors.install()
        self.settle()
        self._warnings_seen = len(self.kiosk.qml_warnings)
        return self.report

    def _visit(self) -> None:
        shell = self.kiosk.shell
        for name in (shell.property("screen"),
                     "timeout" if shell.property("warningVisible") else None,
                     "help" if shell.property("helpVisible") else None):
            if name and name not in self.visited:
                self.visited.append(name)

    def violation(self, kind: str, detail: str, screen: str | None = None) -> None:
        screen = screen or self.kiosk.shell.property("screen")
        self.report.violations.append(Violation(self.step, kind, screen,
                                                f"{detail}（复现：--seed {self.seed} --taps {self.step}）"))

    def one_step(self) -> None:
        k = self.kiosk
        window = k.window
        self.note_secrets()
        found = [c for c in touch.controls(window)]
        action = self.choose(found)
        if action.kind in ("tap", "stroke") and not action.planned:
            if touch.swipe_into_view(action.control.item):
                self.settle(limit_s=2.0)
            if not touch.reachable(window, action.control):
                return
        before_screen = k.shell.property("screen")
        before_page = self.page()
        before_seen = observe.seen_state(k)
        before_layout = observe.layout(k)
        refused = len(k.shell.refused_moves)
        before_fp = observe.settle_state(k)
        query = k.bundles.property("query")
        errors = len(self.errors.found)
        wipes = self.wipes
        agent_kept = self.agent_secrets()
        secrets = set(self.secrets)
        if action.control is not None and not touch.alive(action.control.item):
            return
        centre = touch.scene_rect(action.control.item).center() if action.control is not None else None
        self.perform(action)
        transient = self.settle(reference=before_fp)
        after_screen = k.shell.property("screen")
        if self.trace is not None:
            extra = ""
            if after_screen == "question":
                extra = f" [{k.form.property('fieldId')}] {k.form.property('error')}"
            self.trace(f"{self.step:5d} {before_screen:>15} → {after_screen:<15} "
                       f"{'*' if action.planned else ' '} {action.describe()}{extra}")
        if after_screen != before_screen:
            self.transitions += 1
        self._visit()
        what = action.describe()
        for message in self.errors.found[errors:]:
            self.violation("exception", f"{what}: {message}", before_screen)
        for message in k.qml_warnings[self._warnings_seen:]:
            self.violation("qt_warning", f"{what}: {message}", before_screen)
        self._warnings_seen = len(k.qml_warnings)
        if action.kind in ("tap", "stroke"):
            if len(k.shell.refused_moves) > refused:
                self.violation("dead_control", f"{what}: 画面图拒绝了 {k.shell.refused_moves[-1]}",
                               before_screen)
            elif not transient and observe.seen_state(k) == before_seen and not self._may_do_nothing(action):
                self.violation("dead_control", f"{what}: 按下后画面和状态都没有变化", before_screen)
            # The "more below" band scrolls the list on purpose: what moves is the page, not a jump.
            if self.page() == before_page and centre is not None and action.control.key[0] != "scrollCue":
                # a search typed shows other tiles: those may move, nothing else may
                moving = ("bundle_",) if k.bundles.property("query") != query else ()
                self.check_layout(before_layout, observe.layout(k), centre, what, action.control.key,
                                  moving)
        problem = observe.way_out(k)
        if problem:
            self.violation("no_way_back", f"{what} 之后：{problem}")
        if self.wipes > wipes:
            left = observe.leftovers(k, secrets - agent_kept)
            left = [s for s in left if not any(s != t and s in t for t in left)]   # the longest only
            if left:
                self.violation("personal_data_after_wipe",
                               f"{what} 结束办理后仍能读到：" + "、".join(_masked(s) for s in left),
                               before_screen)
            self.secrets = set(agent_kept)
            self.guide.stuck.clear()
            self.guide.bundle_variant = {}

    def _may_do_nothing(self, action: Action) -> bool:
        """Presses that rightly change nothing: an editing key with nothing to edit, a keyboard key
        (Qt's own), a box that is already the one being typed in, an option already chosen (its ✓
        says so), or any press while the screen already says why it cannot go on (an error with
        its "！" mark), or a control that looks unavailable (dimmed: 重写 with nothing drawn)."""
        control = action.control
        if control.kind == "vkb" or _looks_unavailable(control.item):
            return True
        if control.kind == "key" and control.key[0] in ("key_back", "key_clear"):
            return True
        if _already_selected(control.item) or _already_chosen(control.item):
            return True
        return observe.error_shown(self.kiosk)

    def check_layout(self, before: dict, after: dict, centre: QPointF, what: str,
                     pressed: tuple | None = None, moving: tuple[str, ...] = ()) -> None:
        """The pressed control and its neighbours where they were — unless the press took the
        control itself away (a 重试 row done, an option list replaced): then the page changed."""
        if pressed is not None:
            same = (lambda key: key[0] == pressed[0] and key[2] == pressed[2]) if pressed[0] \
                else (lambda key: key[:3] == pressed)
            if not any(same(key) for key in after):
                return
        moved = []
        for key, rect in before.items():
            if key not in after or (moving and key[0].startswith(moving)):
                continue
            if pressed is not None and pressed[0] == "vkb" and key[0] == "vkb":
                continue    # the keyboard's own pages (&123, 中/英, shift) rearrange its keys
            near = (abs(rect.center().x() - centre.x()) <= NEIGHBOURHOOD_PX
                    and abs(rect.center().y() - centre.y()) <= NEIGHBOURHOOD_PX)
            if not near:
                continue
            now = after[key]
            dx, dy = now.x() - rect.x(), now.y() - rect.y()
            if abs(dx) > MOVE_TOLERANCE_PX or abs(dy) > MOVE_TOLERANCE_PX:
                moved.append(f"{key[0] or key[2]}“{key[1][:10]}” ({dx:+.0f}, {dy:+.0f}) px")
        if moved:
            more = " …" if len(moved) > 4 else ""
            self.violation("layout_jump", f"{what}: " + "；".join(moved[:4]) + more)

    def check_delivery(self) -> None:
        """The network back and the worker drained: each saved application once on the platform."""
        st = self.station
        st.deliver_all()
        self.settle()
        saved = [r.local_reference for r in st.store.outbox_rows() if r.kind == "submission"]
        rows = st.platform.submissions()
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["local_reference"]] = counts.get(row["local_reference"], 0) + 1
        self.report.saved = len(saved)
        self.report.delivered = sum(1 for ref in saved if counts.get(ref) == 1)
        for ref in saved:
            n = counts.get(ref, 0)
            if n != 1:
                self.violation("duplicate_delivery" if n > 1 else "not_delivered",
                               f"申请 {ref} 在平台上有 {n} 份", "platform")
        for ref in counts:
            if ref not in saved:
                self.violation("duplicate_delivery", f"平台上的 {ref} 不是本机保存的申请", "platform")

    def close(self) -> None:
        self.station.close()


def _inside(item, name: str) -> bool:  # noqa: ANN001
    node = item
    while node is not None:
        if node.objectName() == name:
            return True
        node = node.parentItem()
    return False


def _looks_unavailable(item) -> bool:  # noqa: ANN001 - a QQuickItem
    """The button the press went to (the pressed MouseArea sits inside it) is dimmed."""
    node = item
    for _ in range(4):
        if node is None:
            return False
        look = node.property("enabledLook")
        if look is not None:
            return look is False
        node = node.parentItem()
    return False


def _already_selected(item) -> bool:  # noqa: ANN001
    """Is this the tap area of a text box that is already the one being typed in?"""
    node = item
    for _ in range(4):
        node = node.parentItem()
        if node is None:
            return False
        if node.property("selected") is True:
            return True
        if node.property("keypad") is not None:        # a KioskTextField: is its box in use?
            return any(child.inherits("QQuickTextInput") and child.hasActiveFocus()
                       for child in _descendants(node))
    return False


def _already_chosen(item) -> bool:  # noqa: ANN001
    """Is this an option already chosen (its ✓ shows it), pressed again?"""
    node = item.parentItem()
    for _ in range(2):
        if node is None:
            return False
        if node.property("checked") is True or node.property("chosen") is True:
            return True
        node = node.parentItem()
    return False


def _descendants(item):  # noqa: ANN001, ANN202
    for child in item.childItems():
        yield child
        yield from _descendants(child)


def _masked(secret: str) -> str:
    """A secret named in a report without repeating it."""
    if len(secret) <= 2:
        return secret[0] + "*"
    return secret[:1] + "*" * (len(secret) - 2) + secret[-1:]

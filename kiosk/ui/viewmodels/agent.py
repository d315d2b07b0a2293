"""Proxy-agent mode (代办帮办): the agent's login, the resident's card and consent, the band.

The way through: attract → 代办员 → agent_login (the agent's own card on the reader, then a PIN,
checked off the GUI thread with `kiosk.station.agent_auth.AgentPins`) → agent_resident (the resident's
card, or typed on the ordinary 手动输入 screen) → agent_consent (the resident signs the consent on
screen, or a photo of a written 委托书) → the ordinary journey for the resident, with
`journey.agent` set so the payload carries `agent: {id_number, name, authorisation}` (see
agent_consent.py for what `authorisation` holds). Once the resident has rated the service (好差评
is part of every service, so 继续为下一位代办 is not offered on the receipt, where it skipped it),
继续为下一位代办 ends the resident's session (everything of theirs wiped) but keeps the agent
logged in; 退出代办 (or 首页, or the idle timeout) wipes everything. Nothing here needs the
network: the PIN file is local.

Why a view-model of its own rather than flags in the shell: the resident's journey does not change
at all; agent mode only adds screens before it and a band over it, and decides what a wipe keeps.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from devices.idcard.card import mask_name
from kiosk.ui.background import Background, write_failure_message
from kiosk.ui.session import EndReason, Person
from kiosk.ui.viewmodels.agent_consent import (
    AUTHORISATION_MATERIAL,
    SIGNED,
    SPOKEN,
    WRITTEN,
    ConsentPadViewModel,
    authorisation,
    authorisation_png,
    consent_text,
)
from kiosk.ui.viewmodels.base import Notifying, prop
from kiosk.ui.viewmodels.keypad import press, refusal

log = logging.getLogger(__name__)

SAME_PERSON = "这是代办员本人的身份证。请放置被代办人的身份证；本人办理请退出代办，从首页开始。"


class AgentViewModel(Notifying):
    """QML: `agent`. The band (`bandText`, `bandVisible`, `canContinue`) and the three screens."""

    changed = Signal()

    _AGENT = ("active", "agentName", "stage", "pinDots", "loginError", "busy")
    _RESIDENT = ("residentName", "residentError")   # the band's three follow in refresh(), in order
    # 手动输入 while an agent serves someone: the name and number typed are the resident's, and the
    # screen must say so (it said 请输入您的姓名).

    def __init__(self, verify: Callable[[str, str], object], *, shell, session, journey,  # noqa: ANN001
                 say: Callable[[str], None], identified: Callable[[Person], None],
                 person_from_card: Callable[[object], Person | None],
                 begin_capture: Callable[[str, str, list[str], str], None],
                 served: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__({"active": False, "agentName": "", "stage": "card", "pinDots": "",
                          "loginError": "", "busy": False, "residentName": "", "residentError": "",
                          "canContinue": False, "bandVisible": False, "bandText": "",
                          "awaitingResident": False}, parent)
        self._verify = verify
        self._shell = shell
        self._session = session
        self._journey = journey
        self._say = say
        self._identified = identified
        self._person_from_card = person_from_card
        self._begin_capture = begin_capture
        self._served = served       # the resident's application saved and 好差评 given
        self._background = Background(self)
        self.consent = ConsentPadViewModel(say, self)
        self.consent.on_signed = self.signed
        self._agent: Person | None = None       # the card on the reader at login
        self._logged_in = False
        self._resident: Person | None = None
        self._pin = ""
        self._keep_agent = False
        shell.changed.connect(self.refresh)

    active = prop(bool, "active", changed)             # an agent is logged in
    agentName = prop(str, "agentName", changed)        # masked: 张*明
    stage = prop(str, "stage", changed)                # login: card | pin
    pinDots = prop(str, "pinDots", changed)
    loginError = prop(str, "loginError", changed)
    busy = prop(bool, "busy", changed)
    residentName = prop(str, "residentName", changed)  # masked
    residentError = prop(str, "residentError", changed)
    canContinue = prop(bool, "canContinue", changed)   # saved and rated: on to the next resident
    bandVisible = prop(bool, "bandVisible", changed)
    bandText = prop(str, "bandText", changed)
    awaitingResident = prop(bool, "awaitingResident", changed)

    # --- the band ---------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        screen = self._shell.property("screen")
        if not self._logged_in and self._agent is not None and screen != "agent_login":
            self._forget_agent()                    # 返回/首页 before the PIN: the card is forgotten
        text = f"代办模式：代办员 {self._values['agentName']}"
        if self._values["residentName"]:
            text += f" 为 {self._values['residentName']} 办理"
        # The text first: a band being hidden is destroyed later, and must not keep the names.
        self._set("bandText", text if self._logged_in else "")
        self._set("canContinue", self._logged_in and self._resident is not None and self._served())
        self._set("bandVisible", self._logged_in and screen not in ("attract", "agent_login"))
        self._set("awaitingResident", self._logged_in and self._resident is None)

    # --- login ------------------------------------------------------------------------------
    @Slot()
    def start(self) -> None:
        """代办员 on the attract screen."""
        self._forget_agent()
        self._shell.go("agent_login")

    def card(self, card) -> bool:  # noqa: ANN001 - devices.idcard.IdCard
        """A card on the reader. True when agent mode took it (the agent's or the resident's)."""
        screen = self._shell.property("screen")
        awaiting = self._logged_in and self._resident is None
        if screen == "agent_login" and not self._logged_in:
            person = self._person_from_card(card)
            if person is not None:
                self._agent = person
                self._pin = ""
                self._set("agentName", mask_name(person.name))
                self._set("pinDots", "")
                self._set("loginError", "")
                self._set("stage", "pin")
                self._say("已读取代办员的身份证。请输入您的代办员密码，然后点确定。")
            return True
        if awaiting and screen in ("agent_resident", "identify_manual"):
            person = self._person_from_card(card)
            if person is not None:
                self.take_resident(person)
            return True
        return False

    @Slot(str)
    def keypad(self, key: str) -> None:
        self._set("loginError", refusal(self._pin, key, "pin"))
        self._pin = press(self._pin, key, "pin")
        self._set("pinDots", "●" * len(self._pin))
        self._session.note_input()

    @Slot()
    def login(self) -> None:
        """确定: check the PIN on a worker thread (scrypt and the file: ~0.1 s)."""
        if self._agent is None or self._values["busy"]:
            return
        if len(self._pin) < 4:
            self._fail_login("请输入您的代办员密码（至少 4 位数字），然后点确定。")
            return
        agent, pin = self._agent, self._pin
        self._pin = ""
        self._set("pinDots", "")
        self._set("busy", True)
        self._background.run(lambda: self._verify(agent.id_number, pin),
                             lambda result, error: self._checked(agent, result, error), "kiosk-agent-login")

    def _checked(self, agent: Person, result, error) -> None:  # noqa: ANN001 - AuthResult
        self._set("busy", False)
        if agent is not self._agent:
            return                                  # wiped or another card meanwhile
        if error is not None:
            log.error("agent login could not be checked: %s", type(error).__name__)
            self._fail_login(f"{error}。请联系工作人员。" if str(error) else "密码无法核对，请联系工作人员。")
            return
        if not result.ok:
            self._fail_login(result.message() + ("请重新输入。" if result.tries_left else ""))
            return
        self._logged_in = True
        self._set("active", True)
        self._set("loginError", "")
        self._shell.go("agent_resident")
        self._shell.clear_history()
        self.refresh()

    def _fail_login(self, message: str) -> None:
        self._set("loginError", message)
        self._say(message)

    @Slot()
    def changeCard(self) -> None:
        """换一张身份证: back to the card step."""
        self._forget_agent()

    # --- the resident -----------------------------------------------------------------------
    def take_resident(self, person: Person) -> bool:
        """The resident identified (card, or the 手动输入 screen). True when agent mode took it."""
        if not (self._logged_in and self._resident is None):
            return False
        if self._agent is not None and person.id_number.upper() == self._agent.id_number.upper():
            self._set("residentError", SAME_PERSON)
            self._say(SAME_PERSON)
            if self._shell.property("screen") != "agent_resident":
                self._shell.go("agent_resident")
            return True
        self._resident = person
        self._set("residentError", "")
        self._set("residentName", mask_name(person.name))
        self.consent.show(consent_text(person, self._agent))
        self._shell.go("agent_consent")
        self.refresh()
        return True

    def spoken_manual(self) -> str:
        """手动输入's prompt in agent mode: whose name and number go here."""
        return "这里输入的是被代办人的姓名和身份证号码。" if self._values["awaitingResident"] else ""

    def spoken_consent(self) -> str:
        return SPOKEN if self._resident is not None else ""

    @Slot()
    def photograph(self) -> None:
        """拍摄书面委托书: the capture screen, one page; `photographed` gets it."""
        if self._resident is None:
            return
        self._begin_capture(AUTHORISATION_MATERIAL, "书面委托书", [""], "a4")
        self._shell.go("capture")

    def photographed(self, pages: list[str]) -> None:
        if self._resident is None or not pages:
            self._shell.back()
            return
        self._proceed(authorisation(WRITTEN, pages[0]))

    def signed(self, signature_png: bytes) -> None:
        """The resident signed the consent: keep the whole signed authorisation as one PNG."""
        if self._resident is None or self._agent is None:
            return
        from sync.store import StoreError

        document = authorisation_png(self._resident, self._agent, signature_png)
        try:
            sha = self._journey.put_attachment(document)
        except StoreError as exc:          # a full disk: said on the consent screen, strokes kept
            self.consent.refuse(write_failure_message("consent", exc, str(exc)))
            return
        self._proceed(authorisation(SIGNED, sha))

    def _proceed(self, how: str) -> None:
        """Consent recorded: the ordinary journey starts for the resident, the payload marked."""
        resident, agent = self._resident, self._agent
        self._identified(resident)
        self._journey.agent = {"id_number": agent.id_number, "name": agent.name, "authorisation": how}
        self.refresh()

    # --- after the receipt, and the wipe -----------------------------------------------------
    @Slot()
    def nextResident(self) -> None:
        """继续为下一位代办: the resident's session ends (wiped); the agent stays logged in."""
        if not self._logged_in:
            return
        self._keep_agent = True
        try:
            self._session.end(EndReason.FINISHED)
        finally:
            self._keep_agent = False
        self._shell.go("agent_resident")
        self._shell.clear_history()
        self.refresh()

    @Slot()
    def quit(self) -> None:
        """退出代办: everything wiped, back to the attract screen."""
        self._shell.home()

    def _forget_agent(self) -> None:
        self._agent = None
        self._logged_in = False
        self._pin = ""
        self._reset(self._AGENT)

    def wipe(self) -> None:
        """Registered with the shell: every session end wipes the resident; the agent too unless
        继续为下一位代办 asked to keep them."""
        self._resident = None
        self.consent.wipe()
        self._reset(self._RESIDENT)
        if not self._keep_agent:
            self._forget_agent()
        self.refresh()

    def wait(self) -> None:
        self._background.wait()

    # --- screenshots --------------------------------------------------------------------------
    def show_sample(self, screen_id: str, agent: Person, resident: Person) -> None:
        """The agent screens with sample people, as a person would reach them."""
        self.start()
        self._agent = agent
        self._set("agentName", mask_name(agent.name))
        self._set("stage", "pin")
        if screen_id == "agent_login":
            for key in "13":
                self.keypad(key)
            self._set("loginError", "身份证或密码不正确，还可尝试 4 次。请重新输入。")
            return
        self._logged_in = True
        self._set("active", True)
        self._shell.go("agent_resident")
        if screen_id == "agent_consent":
            self.take_resident(resident)
            for x, y in ((0.2, 0.55), (0.3, 0.35), (0.4, 0.6), (0.5, 0.4), (0.6, 0.62), (0.7, 0.35)):
                self.consent.move(x, y)
        self.refresh()

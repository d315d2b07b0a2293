"""The shell: which screen shows (walking kiosk.ui.navigation's graph), the overlays, the top
bar's actions, the idle timer, and the wipe.

Why the wipe is here: every view-model registers its `wipe` with the shell, which calls them all
when a session ends (首页, finished, timed out); each resets the properties listed in its
`_PERSONAL`, and a test searches the live QML tree afterwards for what was left.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from devices.idcard.card import mask_name  # the receipt masks names the same way
from kiosk.ui import navigation
from kiosk.ui.navigation import SCREENS, ScreenSpec, next_in_journey
from kiosk.ui.session import EndReason, Person, Session, State
from kiosk.ui.viewmodels.base import Notifying, prop
from kiosk.ui.voice import Voice

log = logging.getLogger(__name__)

# 求助's box: what pressing 呼叫 will do, before; what it did, after (the box used to say
# "工作人员会到这台终端旁边帮您" before anyone was called, as if they already had been).
HELP_BEFORE = "还没有呼叫。需要人帮忙，请点下面的按钮。"
HELP_FAILED = "呼叫没有记下来。请拨打下面的 12345 热线，或请旁边的人帮忙找工作人员。"


def help_called_words(calls: int, at: str) -> str:
    """What the box says after the `calls`-th press of 呼叫 (at `at`, HH:MM:SS): each press answered."""
    if calls > 1:
        return f"✓ 已呼叫工作人员 {calls} 次（最近一次 {at}），请在这里稍候"
    return f"✓ 已呼叫工作人员（{at}），请在这里稍候"


class ShellViewModel(Notifying):
    """Which screen is showing, the overlays, the top bar's actions, and the idle timer."""

    _PERSONAL = ("greetingName", "errorDetail", "speakNote")

    changed = Signal()
    wiped = Signal()   # QML resets what it keeps itself (the pinyin keyboard's learned words)

    def __init__(self, session: Session, voice: Voice, station_name: str, hotline: str,
                 parent: QObject | None = None, tick_ms: int = 1000) -> None:
        super().__init__({
            "screen": "attract", "warningVisible": False, "warningSeconds": 0, "helpVisible": False,
            "staffCalled": False, "staffCalls": 0, "helpStatus": HELP_BEFORE, "helpFailed": False,
            "greetingName": "", "errorTitle": "", "errorMessage": "",
            "errorAction": "", "errorDetail": "", "networkText": "", "stationName": station_name,
            "hotline": hotline, "keyboardDataPath": "", "speaking": False, "speakNote": "",
            # Why the person is here: "apply" (the journey) or "lookup" (查进度 / 打印结果). The
            # identify screens are shared; kiosk.ui.app routes the identified person by this flag.
            "purpose": "apply",
            # 首页 pressed with answers not yet saved: asked first (放弃填写？), never lost in one tap.
            "leaveAsked": False,
        }, parent)
        self._session = session
        self._voice = voice
        # The screens each ORIGIN-backed screen was opened from (kiosk.ui.navigation): never a
        # screen twice, so 扫码 ⇄ 手动输入 cannot build a loop of 返回.
        self._origins: list[str] = []
        self._wipers: list[Callable[[], None]] = []
        self._on_enter: dict[str, list[Callable[[], None]]] = {}
        self._on_return: dict[str, list[Callable[[], None]]] = {}
        self._inner_back: dict[str, Callable[[], bool]] = {}
        self.refused_moves: list[tuple[str, str]] = []    # moves the graph refused (a bug: logged)
        self._prompts: dict[str, Callable[[], str]] = {}
        self._prompt_overrides: dict[str, Callable[[], str]] = {}
        self._skips: dict[str, Callable[[], bool]] = {}
        # 呼叫工作人员 records the call for the staff page (kiosk.station.help_calls, on a worker
        # thread): record(screen_id, done) calls done(True) once it is durable, done(False) if not.
        self.record_help_call: Callable[[str, Callable[[bool], None]], None] | None = None
        session.on_warning = self._on_warning
        session.on_warning_cleared = self._on_warning_cleared
        session.on_wipe = self._on_wipe
        self._speak_timer = QTimer(self)
        self._speak_timer.setSingleShot(True)
        self._speak_timer.timeout.connect(self._spoken)
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(session.tick)
        self._timer.start()

    screen = prop(str, "screen", changed)
    warningVisible = prop(bool, "warningVisible", changed)
    warningSeconds = prop(int, "warningSeconds", changed)
    helpVisible = prop(bool, "helpVisible", changed)
    staffCalled = prop(bool, "staffCalled", changed)
    staffCalls = prop(int, "staffCalls", changed)      # presses of 呼叫 since 求助 opened
    helpStatus = prop(str, "helpStatus", changed)      # the box's words (HELP_BEFORE …)
    helpFailed = prop(bool, "helpFailed", changed)     # the call could not be recorded
    greetingName = prop(str, "greetingName", changed)
    errorTitle = prop(str, "errorTitle", changed)
    errorMessage = prop(str, "errorMessage", changed)
    errorAction = prop(str, "errorAction", changed)
    stationName = prop(str, "stationName", changed)
    hotline = prop(str, "hotline", changed)
    networkText = prop(str, "networkText", changed)
    keyboardDataPath = prop(str, "keyboardDataPath", changed, writable=True)
    purpose = prop(str, "purpose", changed)
    leaveAsked = prop(bool, "leaveAsked", changed)
    # 朗读's sign: while it reads, the top bar says so (and 朗读 becomes 停止); where this machine
    # cannot speak, it says that instead — a press that seemed to do nothing was pressed again.
    speaking = prop(bool, "speaking", changed)
    speakNote = prop(str, "speakNote", changed)

    @Property(str, notify=changed)
    def screenQml(self) -> str:
        return SCREENS[self._values["screen"]].qml

    @Property(str, notify=changed)
    def title(self) -> str:
        return SCREENS[self._values["screen"]].title

    @Property(bool, notify=changed)
    def showHome(self) -> bool:
        return SCREENS[self._values["screen"]].home

    @Property(bool, notify=changed)
    def canGoBack(self) -> bool:
        """Is 返回 offered here? Only where the graph gives the screen a way back."""
        return self.back_target() is not None or self._inner_back_offered()

    def add_wiper(self, wipe: Callable[[], None]) -> None:
        """Register a view-model's `wipe` to run whenever the session ends."""
        self._wipers.append(wipe)

    def current_spec(self) -> ScreenSpec:
        return SCREENS[self._values["screen"]]

    def set_prompt(self, screen_id: str, provider: Callable[[], str],
                   replace: Callable[[], str] | None = None) -> None:
        """Let a screen whose content changes (one question per page) say more than its fixed
        prompt: the fixed prompt is said first, then `provider()` (e.g. the question on screen).
        `replace()`, when it says something, is said instead of both: the screen is showing
        another case than its fixed prompt tells of (通办: no 确认 to press)."""
        self._prompts[screen_id] = provider
        if replace is not None:
            self._prompt_overrides[screen_id] = replace

    def current_prompt(self) -> str:
        spec = self.current_spec()
        override = self._prompt_overrides.get(spec.id)
        instead = override() if override else ""
        if instead:
            return instead
        provider = self._prompts.get(spec.id)
        extra = provider() if provider else ""
        return f"{spec.prompt}{extra}" if extra else spec.prompt

    # --- navigation: along the screen graph (kiosk.ui.navigation) only -------------------------
    def back_target(self) -> str | None:
        """Where 返回 leads from here (None: not offered)."""
        return navigation.back_target(self._values["screen"], self._origins[-1] if self._origins else None)

    def _inner_back_offered(self) -> bool:
        return self._values["screen"] in self._inner_back

    def _refuse(self, target: str, why: str) -> None:
        """A move the graph or the session does not allow: nothing happens, and it is logged (it
        is a bug in the caller). Never raised into QML, where it would leave a dead button."""
        current = self._values["screen"]
        self.refused_moves.append((current, target))
        log.warning("navigation refused: %s -> %s (%s)", current, target, why)

    def _arrive(self, target: str, *, hooks: dict[str, list[Callable[[], None]]],
                origin: str | None = None) -> bool:
        """Take the state `target` implies, run its hooks, show it. False when refused.

        `origin`: the screen it is opened from (remembered for ORIGIN-backed screens), unless the
        target is already on the way back (扫码 → 改为手动输入 → …: no loop of 返回)."""
        spec = SCREENS[target]
        if spec.state is not None and not self._session.follow(spec.state):
            self._refuse(target, f"session is {self._session.state.value}")
            return False
        for hook in hooks.get(target, []):
            hook()
        if target in self._origins:
            del self._origins[self._origins.index(target):]
        elif origin is not None:
            self._origins.append(origin)
        self._spoken()               # a new screen's prompt interrupts what 朗读 was reading
        self._set("screen", target)
        self.changed.emit()          # canGoBack depends on the origins too
        if self._session.state is State.IDLE:
            # Someone is working at the kiosk though not yet identified: the idle timer must warn
            # before it takes them back to the start.
            self._session.note_input()
        self._voice.say(self.current_prompt())
        return True

    @Slot(str)
    def go(self, screen_id: str) -> None:
        """Move to `screen_id` along one of this screen's forward edges (or to the error screen)."""
        current = self._values["screen"]
        if screen_id == current:
            return
        if screen_id not in SCREENS or SCREENS[screen_id].overlay:
            self._refuse(screen_id, "no such screen")
            return
        if not navigation.allows(current, screen_id):
            self._refuse(screen_id, "not an edge of the screen graph")
            return
        self._arrive(screen_id, hooks=self._on_enter, origin=current)

    def jump(self, screen_id: str) -> bool:
        """Screenshots and test set-up only: show `screen_id` as if the resident had walked there
        (the session state it implies is taken, under the session's rules), without walking the
        edges in between and without its entry hooks (the caller has set its data up). Residents
        never reach this: QML has only go, forward, back and home."""
        if screen_id == self._values["screen"]:
            return True
        return self._arrive(screen_id, hooks={}, origin=self._values["screen"])

    @Slot()
    def forward(self) -> None:
        """The current screen's part of the journey is done: on to the next (kiosk.ui.navigation.JOURNEY).

        A screen whose `skip_when` condition holds now is passed by (the credit notice for most
        bundles); past the last one the session ends.
        """
        target = next_in_journey(self._values["screen"])
        while target is not None and self._skips.get(target, bool)():
            target = next_in_journey(target)
        if target is None:
            self._session.end(EndReason.FINISHED)
            return
        self.go(target)

    def clear_history(self) -> None:
        """Forget where the ORIGIN-backed screens were opened from (after identification, the
        typing screens are not a way back)."""
        self._origins.clear()
        self.changed.emit()

    def skip_when(self, screen_id: str, condition: Callable[[], bool]) -> None:
        """`forward()` passes `screen_id` by while `condition()` is true."""
        self._skips[screen_id] = condition

    def on_enter(self, screen_id: str, hook: Callable[[], None]) -> None:
        """Run `hook` just before the shell moves forward to `screen_id` (e.g. submit.save)."""
        self._on_enter.setdefault(screen_id, []).append(hook)

    def on_return(self, screen_id: str, hook: Callable[[], None]) -> None:
        """Run `hook` just before 返回 arrives at `screen_id` (e.g. reopen the last question)."""
        self._on_return.setdefault(screen_id, []).append(hook)

    def inner_back(self, screen_id: str, handler: Callable[[], bool]) -> None:
        """A screen with pages inside it (one question per page): 返回 first asks `handler`,
        which returns True when it went back a page itself; else the graph's back target."""
        self._inner_back[screen_id] = handler

    @Slot(str)
    def startWith(self, purpose: str) -> None:
        """The attract screen's way in: "lookup" (查进度) or "apply"; then identify by hand."""
        self._set("purpose", "lookup" if purpose == "lookup" else "apply")
        self.go("identify_manual")

    @Slot()
    def back(self) -> None:
        """返回: a page back inside the screen, else to the graph's back target (if offered)."""
        screen = self._values["screen"]
        handler = self._inner_back.get(screen)
        if handler is not None and handler():
            return
        target = self.back_target()
        if target is None:
            return
        if self._arrive(target, hooks=self._on_return) and target == "attract":
            self._set("purpose", "apply")

    @Slot()
    def home(self) -> None:
        """End the session (wiping it) and return to the attract screen."""
        self._session.end(EndReason.CANCELLED)

    @Slot()
    def finish(self) -> None:
        """办完了 (查进度 and the like): the visit ended as planned, not broken off — logged so."""
        self._session.end(EndReason.FINISHED)

    @Slot()
    def askHome(self) -> None:
        """The top bar's 首页: at once, unless answers are being filled in and not yet saved —
        then asked first, for one tap must not throw away a form (the newcomer lost fifteen
        answers and two photos on 核对信息). After saving nothing is lost: straight home."""
        if self._session.state is State.IN_FORM and not self._values["leaveAsked"]:
            self._set("leaveAsked", True)
            self._voice.say(SCREENS["leave"].prompt)
            return
        self.home()

    @Slot()
    def stay(self) -> None:
        """继续填写: the question stays as it was."""
        self._set("leaveAsked", False)
        self._session.touch()

    @Slot()
    def speak(self) -> str:
        """Say the prompt of what is in front of the person now (an overlay first); returns it."""
        if self._values["warningVisible"]:
            text = SCREENS["timeout"].prompt
        elif self._values["leaveAsked"]:
            text = SCREENS["leave"].prompt
        elif self._values["helpVisible"]:
            text = SCREENS["help"].prompt
        else:
            text = self.current_prompt()
        self._voice.say(text)
        return text

    @Slot()
    def readAloud(self) -> None:
        """朗读: read what is on screen and show that it is being read; pressed while reading
        (the button then says 停止), stop."""
        if not self._stopped_reading():
            self._show_reading(self.speak())

    def readOut(self, text: str) -> None:  # noqa: N802 - as the slots
        """Read `text` aloud (朗读承诺 and the like as well as 朗读) and show it is being read, or
        that this machine cannot speak: a read button that shows nothing looks broken. Pressed
        again while reading (its button then says 停止朗读), it stops."""
        if not self._stopped_reading():
            self._voice.say(text)
            self._show_reading(text)

    def _stopped_reading(self) -> bool:
        """A read button pressed while reading stops it (and says so by returning True)."""
        if not self._values["speaking"]:
            return False
        self._voice.stop()
        self._spoken()
        return True

    def _show_reading(self, text: str) -> None:
        if self._voice.available:
            note, seconds = "正在朗读：" + text, min(30.0, max(2.0, 0.25 * len(text)))
        else:
            note, seconds = "本机暂时不能朗读。请看屏幕上的文字，或点“求助”。", 6.0
        self._set("speakNote", note)
        self._set("speaking", True)
        self._speak_timer.start(int(seconds * 1000))

    def _spoken(self) -> None:
        self._speak_timer.stop()
        self._set("speaking", False)
        self._set("speakNote", "")

    @Slot(str, str, str)
    def showError(self, title: str, message: str, action: str) -> None:
        """An error screen that always says what to do next."""
        self._set("errorTitle", title)
        self._set("errorMessage", message)
        self._set("errorAction", action)
        self.go("error")

    @Slot()
    def openHelp(self) -> None:
        self._set("staffCalled", False)
        self._set("staffCalls", 0)
        self._set("helpStatus", HELP_BEFORE)
        self._set("helpFailed", False)
        self._set("helpVisible", True)
        self._voice.say(SCREENS["help"].prompt)

    @Slot()
    def closeHelp(self) -> None:
        self._set("helpVisible", False)

    @Slot()
    def callStaff(self) -> None:
        """求助 → 呼叫工作人员: recorded in the store for the staff page (pending until staff
        mark it 已处理) and logged; the screen it came from only, no personal data."""
        import datetime as dt

        screen = self._values["screen"]
        log.info("staff called from screen %s", screen)
        calls = self._values["staffCalls"] + 1
        self._set("staffCalled", True)
        self._set("staffCalls", calls)
        self._set("helpFailed", False)
        self._set("helpStatus", help_called_words(calls, dt.datetime.now().strftime("%H:%M:%S")))
        self._voice.say("已经呼叫工作人员，请在这里稍候。")
        if self.record_help_call is not None:
            self.record_help_call(screen, self._help_call_recorded)

    def _help_call_recorded(self, ok: bool) -> None:
        if ok or not self._values["helpVisible"]:
            return
        self._set("helpFailed", True)
        self._set("helpStatus", HELP_FAILED)
        self._voice.say(HELP_FAILED)

    @Slot()
    def continueSession(self) -> None:
        self._session.touch()

    def identified(self, person: Person) -> None:
        self._session.identify(person)
        self._set("greetingName", mask_name(person.name))
        self.go("identified")
        self.clear_history()   # identified: the way back is 首页 (which wipes), not the typing screen

    # --- session callbacks -------------------------------------------------------------------
    def _on_warning(self, seconds_left: int) -> None:
        first = not self._values["warningVisible"]
        self._set("warningSeconds", seconds_left)
        self._set("warningVisible", True)
        if first:
            self._voice.say(SCREENS["timeout"].prompt)

    def _on_warning_cleared(self) -> None:
        self._set("warningVisible", False)

    def _on_wipe(self, reason: EndReason) -> None:
        for wipe in self._wipers:
            wipe()
        self._reset(self._PERSONAL + ("errorTitle", "errorMessage", "errorAction", "purpose"))
        self._origins.clear()
        self._set("warningVisible", False)
        self._set("helpVisible", False)
        self._set("leaveAsked", False)
        self._spoken()
        self._set("screen", "attract")
        log.info("session ended: %s", reason.value)
        self.wiped.emit()

"""Proxy-agent mode (代办帮办), by touch, with the pty card-reader simulator and NO platform at all
(no reference platform is started, no network): the agent logs in with their own card and PIN, the
resident's card is read, the resident consents (signs on screen, or a written 委托书 is
photographed), a bundle is saved with `agent` in the payload and the authorisation attachment in
the store; 继续为下一位代办 keeps the agent and wipes the resident; 退出代办 wipes everything."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from devices.idcard.samples import sample_for
from kiosk.station.agent_auth import enrol_demo_agent
from kiosk.station.demo import demo_config
from kiosk.ui.app import build
from kiosk.ui.screenshots import fill_from_example, sample_png, settle
from sync.store import Store
from tests.ui.credit_touch import pass_credit_notice
from tests.ui.qml_tree import strings_in_tree, visible_items
from tests.ui.test_submit_flow import tap_visible, visible

AGENT = sample_for("resident_zhang")       # 张晓明, the demo agent (PIN 1357)
RESIDENT = sample_for("resident")          # 王喆


@pytest.fixture
def agent_kiosk(qapp, tmp_path):
    """The demo kiosk (pty card reader, printer and camera simulators) on a real store, with the
    demo agent enrolled as `main.py demo` does — and no platform: nothing is listening for it."""
    config = demo_config(None, tmp_path / "data").with_overrides(
        {"platform": {"url": "http://127.0.0.1:9"}})          # discard port: any call would fail
    store = Store.open(config.data_dir, config.key_dir)
    enrol_demo_agent(config.key_dir, store.audit)
    kiosk = build(config, voice_enabled=False, open_station_devices=True, allow_simulators=True,
                  store=store)
    settle(kiosk.app)
    yield kiosk
    kiosk.shutdown()
    store.close()
    assert not kiosk.qml_warnings, "\n".join(kiosk.qml_warnings)


def screen(kiosk) -> str:
    return kiosk.shell.property("screen")


def press_keys(kiosk, keypad: str, keys: str) -> None:
    """Tap the number pad's keys as a finger would (each key found by the word on it)."""
    settle(kiosk.app)                               # the pad has just appeared: laid out first
    pad = visible(kiosk, keypad)
    for key in keys:
        label = next(i for i in visible_items(pad) if i.inherits("QQuickText") and i.property("text") == key)
        button = label.parentItem()
        centre = button.mapToScene(QPointF(button.width() / 2, button.height() / 2)).toPoint()
        QTest.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
        settle(kiosk.app, 1)


def draw(kiosk, pad_name: str, points: list[tuple[float, float]]) -> None:
    pad = visible(kiosk, pad_name)

    def at(x: float, y: float) -> QPoint:
        return pad.mapToScene(QPointF(x * pad.width(), y * pad.height())).toPoint()

    QTest.mousePress(kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(*points[0]))
    for x, y in points[1:]:
        QTest.mouseMove(kiosk.window, at(x, y))
    QTest.mouseRelease(kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       at(*points[-1]))
    settle(kiosk.app, 2)


def lift_card(kiosk, qtbot) -> None:
    """Take the card off the reader and wait until the reader has polled the empty pad (three
    requests on the wire): people cannot swap cards faster than a poll, the test must not either."""
    simulator = kiosk.station_devices.reader_simulator
    simulator.lift()
    before = simulator.wire.received
    qtbot.waitUntil(lambda: simulator.wire.received >= before + 30, timeout=10_000)


SCRIBBLE = [(0.15, 0.6), (0.25, 0.3), (0.35, 0.65), (0.45, 0.3), (0.55, 0.7), (0.7, 0.35), (0.85, 0.6)]


def log_in(kiosk, qtbot) -> None:
    qtbot.waitUntil(lambda: kiosk.devices.property("readerReady"), timeout=10_000)
    tap_visible(kiosk, "agentButton")
    assert screen(kiosk) == "agent_login"
    tap_visible(kiosk, "demoAgentCardButton")                   # 张晓明's card, over the pty
    try:
        qtbot.waitUntil(lambda: kiosk.agent.property("stage") == "pin", timeout=10_000)
    except Exception:
        sim = kiosk.station_devices.reader_simulator
        raise AssertionError(f"screen={screen(kiosk)} health={kiosk.devices.health()} "
                             f"card={sim._card and sim._card.name} consumed={sim._card_consumed}") from None
    assert "张*明" in visible(kiosk, "agentLoginTitle").property("text")
    press_keys(kiosk, "agentKeypad", "2468")                    # a wrong PIN: refused, told so
    tap_visible(kiosk, "agentLoginButton")
    qtbot.waitUntil(lambda: kiosk.agent.property("loginError") != "", timeout=10_000)
    assert "身份证或密码不正确" in visible(kiosk, "agentLoginError").property("text")
    assert screen(kiosk) == "agent_login" and not kiosk.agent.property("active")
    press_keys(kiosk, "agentKeypad", "1357")
    tap_visible(kiosk, "agentLoginButton")
    qtbot.waitUntil(lambda: screen(kiosk) == "agent_resident", timeout=10_000)
    settle(kiosk.app)
    assert visible(kiosk, "agentBandText").property("text") == "代办模式：代办员 张*明"


def fill_bundle(kiosk, bundle_id: str = "newborn") -> None:
    """The form part filled from `catalogue example` (the questions by touch are covered by
    test_form_flow); the journey's own FormSession, so the agent given at choose() is used."""
    from forms.examples import example

    fill_from_example(kiosk, example(bundle_id, 0))
    form = kiosk.journey.form
    assert form.is_complete(), form.all_errors()


def saved_payload(kiosk) -> tuple[dict, list[str]]:
    store = kiosk.store
    row = next(r for r in store.outbox_rows(masked=False) if r.kind == "submission")
    return json.loads(store.request_body(row)), store.submission_attachments(row.ref_id)


@pytest.mark.slow
def test_agent_serves_a_resident_who_signs_then_the_next_one(agent_kiosk, qtbot):
    kiosk = agent_kiosk
    log_in(kiosk, qtbot)

    # the agent's own card as the resident's: refused with what to do
    lift_card(kiosk, qtbot)
    kiosk.devices.placeDemoCard("resident_zhang")
    qtbot.waitUntil(lambda: kiosk.agent.property("residentError") != "", timeout=10_000)
    assert screen(kiosk) == "agent_resident" and "代办员本人" in kiosk.agent.property("residentError")

    lift_card(kiosk, qtbot)
    tap_visible(kiosk, "demoResidentCardButton")                # 王喆's card, over the pty
    qtbot.waitUntil(lambda: screen(kiosk) == "agent_consent", timeout=10_000)
    assert "王*" in visible(kiosk, "consentText").property("text")
    assert RESIDENT.name not in strings_in_tree(kiosk)          # masked on screen
    settle(kiosk.app)
    confirm = visible(kiosk, "confirmConsent")
    where = confirm.mapToScene(QPointF(0, 0))
    tap_visible(kiosk, "confirmConsent")                        # nothing signed yet
    assert "还没有签名" in visible(kiosk, "consentError").property("text")
    assert confirm.mapToScene(QPointF(0, 0)) == where           # the problem moved 确认签名 down
    draw(kiosk, "consentPad", SCRIBBLE)
    tap_visible(kiosk, "confirmConsent")
    assert screen(kiosk) == "identified"
    assert visible(kiosk, "agentBandText").property("text") == "代办模式：代办员 张*明 为 王* 办理"
    assert kiosk.journey.applicant["id_number"] == RESIDENT.id_number

    # the resident's journey, the band on every screen
    tap_visible(kiosk, "startButton")
    assert screen(kiosk) == "choose_bundle" and visible(kiosk, "agentBand")
    kiosk.bundles.choose("newborn")
    assert screen(kiosk) == "bundle_intro" and visible(kiosk, "agentBand")
    fill_bundle(kiosk)
    kiosk.shell.jump("sign")
    settle(kiosk.app)
    assert visible(kiosk, "agentBand")
    draw(kiosk, "signaturePad", SCRIBBLE)
    tap_visible(kiosk, "confirmSignature")
    qtbot.waitUntil(lambda: screen(kiosk) == "receipt", timeout=15_000)
    reference = kiosk.submit.property("reference")

    # the payload, read back from the store, names the agent and the authorisation, whose
    # attachment (the consent with the resident's signature) is in the store and linked
    payload, attachments = saved_payload(kiosk)
    assert payload["applicant"]["id_number"] == RESIDENT.id_number
    agent = payload["agent"]
    assert agent["id_number"] == AGENT.id_number and agent["name"] == AGENT.name
    kind, _, sha = agent["authorisation"].partition(":")
    assert kind == "resident_signature" and sha in attachments
    document = QImage.fromData(kiosk.store.read_attachment(sha))
    assert document.width() == 1240 and not document.isNull()

    # 好差评 first: 继续为下一位代办 on the receipt skipped it (issue 14, item 10)
    qtbot.waitUntil(lambda: kiosk.submit.property("printState") in ("printed", "not_printed"), timeout=15_000)
    settle(kiosk.app)
    assert not [i for i in visible_items(kiosk.window.contentItem()) if i.objectName() == "agentNextButton"]
    tap_visible(kiosk, "toRatingButton")
    settle(kiosk.app)
    tap_visible(kiosk, "rate5")
    settle(kiosk.app)
    tap_visible(kiosk, "submitRatingButton")
    qtbot.waitUntil(lambda: kiosk.rating.property("state") == "thanked", timeout=10_000)
    settle(kiosk.app)

    # 继续为下一位代办: the agent stays, everything of the resident goes
    tap_visible(kiosk, "agentNextButton")
    assert screen(kiosk) == "agent_resident" and kiosk.agent.property("active")
    assert visible(kiosk, "agentBandText").property("text") == "代办模式：代办员 张*明"
    texts = " ".join(strings_in_tree(kiosk))
    assert RESIDENT.name not in texts and "王*" not in texts and reference not in texts
    assert kiosk.journey.applicant is None and kiosk.journey.agent is None

    # 退出代办: everything wiped
    tap_visible(kiosk, "agentQuitButton")
    assert screen(kiosk) == "attract" and not kiosk.agent.property("active")
    texts = " ".join(strings_in_tree(kiosk))
    assert AGENT.name not in texts and "张*明" not in texts


@pytest.mark.slow
def test_typed_resident_with_a_photographed_written_authorisation(agent_kiosk, qtbot):
    kiosk = agent_kiosk
    log_in(kiosk, qtbot)
    tap_visible(kiosk, "agentManualButton")                    # the ordinary 手动输入 screen
    assert screen(kiosk) == "identify_manual"
    kiosk.identify.setProperty("name", RESIDENT.name)          # typing by touch: test_shell covers it
    for key in RESIDENT.id_number:
        kiosk.identify.keypad(key)
    tap_visible(kiosk, "confirmButton")
    assert screen(kiosk) == "agent_consent"

    tap_visible(kiosk, "photographAuthorisation")
    assert screen(kiosk) == "capture" and "书面委托书" in kiosk.camera.property("materialName")
    qtbot.waitUntil(lambda: kiosk.camera.property("frameSerial") > 0
                    and kiosk.camera.property("guidance") not in ("", "正在打开摄像头…"), timeout=15_000)
    tap_visible(kiosk, "shootButton")
    qtbot.waitUntil(lambda: kiosk.camera.property("stage") == "review", timeout=15_000)
    settle(kiosk.app)
    tap_visible(kiosk, "useButton")
    qtbot.waitUntil(lambda: screen(kiosk) == "identified", timeout=10_000)   # once it is on disk
    assert visible(kiosk, "agentBandText").property("text") == "代办模式：代办员 张*明 为 王* 办理"

    kind, _, sha = kiosk.journey.agent["authorisation"].partition(":")
    assert kind == "written_authorisation" and kiosk.store.read_attachment(sha)[:2] == b"\xff\xd8"
    tap_visible(kiosk, "startButton")
    kiosk.bundles.choose("senior_allowance")
    pass_credit_notice(kiosk)                                    # 逢办必查: the resident's number
    fill_bundle(kiosk, "senior_allowance")
    kiosk.shell.jump("review")
    kiosk.journey.sign(sample_png())
    kiosk.shell.jump("sign")
    kiosk.shell.forward()                                        # sign → saving
    qtbot.waitUntil(lambda: screen(kiosk) == "receipt", timeout=15_000)
    payload, attachments = saved_payload(kiosk)
    assert payload["agent"]["authorisation"] == f"written_authorisation:{sha}" and sha in attachments


def test_leaving_the_login_before_the_pin_forgets_the_card(agent_kiosk, qtbot):
    kiosk = agent_kiosk
    qtbot.waitUntil(lambda: kiosk.devices.property("readerReady"), timeout=10_000)
    tap_visible(kiosk, "agentButton")
    tap_visible(kiosk, "demoAgentCardButton")
    qtbot.waitUntil(lambda: kiosk.agent.property("stage") == "pin", timeout=10_000)
    kiosk.shell.back()                                          # 返回 in the top bar
    settle(kiosk.app)
    # The login screen left is deleted by the running event loop (deleteLater); here, now.
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert screen(kiosk) == "attract" and kiosk.agent.property("agentName") == ""
    assert kiosk.agent.property("stage") == "card" and "张*明" not in " ".join(strings_in_tree(kiosk))


def test_an_idle_agent_session_warns_then_wipes_the_agent(agent_kiosk, qtbot):
    kiosk = agent_kiosk
    log_in(kiosk, qtbot)
    session = kiosk.session
    session._last_activity -= session.idle_timeout_s + 1      # quiet for longer than the timeout
    session.tick()
    settle(kiosk.app)
    assert kiosk.shell.property("warningVisible")               # the same warning as residents get
    session._warning_since -= session.warning_s + 1
    session.tick()
    settle(kiosk.app)
    assert screen(kiosk) == "attract" and not kiosk.agent.property("active")
    assert "张*明" not in " ".join(strings_in_tree(kiosk))
    # the band's room goes with it: the next resident's screens start right under the top bar
    # (an unloaded Loader kept the band's 152 px, and every later screen lost them at the top)
    assert visible(kiosk, "screenLoader").y() == visible(kiosk, "topBar").height()


@pytest.mark.parametrize(("size", "large"), [((1080, 1920), False), ((1920, 1080), False),
                                             ((1080, 1920), True)])
def test_the_band_with_both_buttons_meets_the_elderly_friendly_rules(make_kiosk, size, large):
    from kiosk.ui.session import Person
    from tests.ui.test_accessibility import _problems

    kiosk = make_kiosk(size=size, large_text=large)
    kiosk.agent.show_sample("agent_consent", Person(AGENT.name, AGENT.id_number),
                            Person(RESIDENT.name, RESIDENT.id_number))
    kiosk.agent._set("canContinue", True)         # as on the receipt screen, once saved
    settle(kiosk.app)
    band = visible(kiosk, "agentBand")
    for name in ("agentNextButton", "agentQuitButton", "agentBandText"):
        item = visible(kiosk, name)
        corner = item.mapToItem(band, QPointF(item.width(), item.height()))
        assert corner.x() <= band.width() + 0.5 and corner.y() <= band.height() + 0.5, f"{name} cut off"
    assert not _problems(kiosk, large, check_targets=size == (1080, 1920))
    for name in ("agentNextButton", "agentQuitButton"):     # ~70 px tall once; the house minimum
        assert visible(kiosk, name).height() >= kiosk.theme.property("buttonHeight") >= 112, name


def test_manual_entry_for_a_resident_says_it_is_the_residents_name(agent_kiosk, qtbot):
    """In agent mode 手动输入 said "请输入您的姓名" — to the agent, about the resident."""
    kiosk = agent_kiosk
    log_in(kiosk, qtbot)
    tap_visible(kiosk, "agentManualButton")
    settle(kiosk.app)
    assert screen(kiosk) == "identify_manual"
    assert visible(kiosk, "identifyTitle").property("text") == "请输入被代办人的姓名和身份证号码"
    kiosk.voice.last_text = ""
    kiosk.shell.speak()
    assert "被代办人" in kiosk.voice.last_text and "您的" not in kiosk.voice.last_text
    kiosk.shell.home()
    settle(kiosk.app)
    tap_visible(kiosk, "manualButton")                           # a resident of their own: 您的
    settle(kiosk.app)
    assert visible(kiosk, "identifyTitle").property("text") == "请输入您的姓名和身份证号码"

"""求助 → 呼叫工作人员, walked by touch: the box says what a call will do before it is made and what
happened after; the call is kept in the store (the screen it came from, nothing personal) and
shows pending on the staff page until staff mark it 已处理 (the newcomer called, logged in as
staff and found no trace of the call outside the log)."""

from __future__ import annotations

from kiosk.station import help_calls
from kiosk.ui.screenshots import complete_sample_application, settle
from kiosk.ui.staff_wiring import make_pins
from sync.store import Store
from tests.ui.qml_tree import strings_in_tree
from tests.ui.staff_helpers import tap_visible
from tests.ui.test_form_flow import find, tap
from tests.ui.test_staff import PIN, _login


def test_the_box_says_what_will_happen_then_what_happened(make_kiosk):
    kiosk = make_kiosk()
    kiosk.shell.jump("identify_manual")
    tap(kiosk, "helpButton")
    before = find(kiosk, "staffCalledText").property("text")
    assert "还没有呼叫" in before and "会到" not in before and "已" not in before
    assert find(kiosk, "callStaffButton").property("text") == "呼叫工作人员"
    tap(kiosk, "callStaffButton")
    after = find(kiosk, "staffCalledText").property("text")
    assert after.startswith("✓ 已呼叫工作人员") and "稍候" in after
    assert find(kiosk, "callStaffButton").property("text") == "再呼叫一次"
    kiosk.staff.wait()
    settle(kiosk.app)
    assert not kiosk.shell.property("helpFailed")
    calls = help_calls.calls(kiosk.store, kiosk.store.now())
    assert [(c.screen, c.pending) for c in calls] == [("identify_manual", True)]
    tap(kiosk, "closeHelpButton")
    tap(kiosk, "helpButton")                        # opened again: a new visit to 求助, said so
    assert "还没有呼叫" in find(kiosk, "staffCalledText").property("text")


def test_a_call_that_could_not_be_recorded_says_so(make_kiosk):
    kiosk = make_kiosk()
    tap(kiosk, "helpButton")
    kiosk.store.close()                             # the store cannot take the call
    tap(kiosk, "callStaffButton")
    kiosk.staff.wait()
    settle(kiosk.app)
    assert kiosk.shell.property("helpFailed")
    assert "12345" in find(kiosk, "staffCalledText").property("text")


def test_a_call_is_pending_on_the_staff_page_until_answered(demo, qtbot):
    kiosk, station, config = demo
    store = station.store
    make_pins(config, store).set_pin("0001", PIN)
    complete_sample_application(kiosk)
    assert kiosk.shell.jump("sign")
    settle(kiosk.app)
    tap(kiosk, "helpButton")
    tap(kiosk, "callStaffButton")
    kiosk.staff.wait()
    tap(kiosk, "closeHelpButton")
    kiosk.shell.home()
    settle(kiosk.app)

    tap_visible(kiosk, "staffButton")
    _login(kiosk, qtbot, "0001", PIN)
    qtbot.waitUntil(lambda: kiosk.staff.property("pendingHelpCount") == 1, timeout=10_000)
    settle(kiosk.app)
    (call,) = kiosk.staff.property("helpCalls")
    assert call["pending"] and "承诺和签名" in call["text"] and "已等" in call["text"]
    assert "1 位群众在等" in " ".join(strings_in_tree(kiosk))

    tap_visible(kiosk, f"answerHelp_{call['seq']}")
    qtbot.waitUntil(lambda: kiosk.staff.property("pendingHelpCount") == 0, timeout=10_000)
    settle(kiosk.app)
    (call,) = kiosk.staff.property("helpCalls")
    assert not call["pending"] and "0001 处理" in call["text"]
    events = [e for e in store.audit_entries() if e["event"].startswith("help.")]
    assert [e["event"] for e in events] == ["help.called", "help.answered"]
    assert '"screen":"sign"' in events[0]["detail"].replace(" ", "")
    assert not help_calls.answer(store, call["seq"], "0002", store.now())   # never answered twice


def test_calls_are_durable_and_carry_nothing_personal(tmp_path):
    store = Store.open(tmp_path / "data", tmp_path / "keys")
    first = help_calls.record_call(store, "capture")
    help_calls.record_call(store, "review")
    assert help_calls.answer(store, first, "0003", store.now())
    store.close()

    store = Store.open(tmp_path / "data", tmp_path / "keys")     # after a restart
    calls = help_calls.calls(store, store.now())
    assert [(c.screen, c.pending, c.answered_by) for c in calls] == [
        ("review", True, ""), ("capture", False, "0003")]
    details = [e["detail"] for e in store.audit_entries() if e["event"] == help_calls.CALLED]
    assert details == ['{"screen":"capture"}', '{"screen":"review"}']
    assert help_calls.calls(store, store.now() + 2 * help_calls.WINDOW_S) == []   # a day on: gone
    assert store.verify_audit() is None
    store.close()

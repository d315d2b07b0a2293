"""A certificate issued, then the application refused (不予受理) on the reference platform: 查进度
prints nothing and says why — at once when the platform answers the print-time check, and from
the last pulled state when it does not; a revoked certificate likewise; staff see each
certificate's state. The demo station: pty card reader and printer simulators, the reference
platform on 127.0.0.1, a real store, the A4 "printer" writing PDFs into a folder."""

from __future__ import annotations

from kiosk.ui.screenshots import settle
from sync.platform.service import PlatformService
from tests.ui.qml_tree import strings_in_tree
from tests.ui.staff_helpers import place_card, saved_application, tap_visible, visible


def _open_lookup(kiosk, qtbot) -> list[dict]:
    tap_visible(kiosk, "lookupButton")
    place_card(qtbot, kiosk, "resident", lambda: kiosk.shell.property("screen") == "status_lookup")
    qtbot.waitUntil(lambda: kiosk.lookup.property("state") == "shown", timeout=10_000)
    settle(kiosk.app)
    return kiosk.lookup.property("items")


def _printed(kiosk, qtbot) -> str:
    qtbot.waitUntil(lambda: kiosk.lookup.property("messageKind") in ("ok", "error"), timeout=30_000)
    return kiosk.lookup.property("messageKind")


def test_a_refused_application_prints_no_certificate_and_says_why(demo, qtbot):
    from devices.idcard.samples import sample_for

    kiosk, station, config = demo
    store = station.store
    card = sample_for("resident")
    mine, _ = saved_application(kiosk, name=card.name, id_number=card.id_number)
    other, _ = saved_application(kiosk, name=card.name, id_number=card.id_number)
    station.worker.run_once(force=True)
    platform = PlatformService(store.data_dir.parent / (store.data_dir.name + "-platform"))
    ref = store.find(mine.submission_id).platform_reference
    (certificate,) = platform.advance(ref, "approved", certificate=True)["certificate_ids"]
    (second,) = platform.advance(store.find(other.submission_id).platform_reference, "completed",
                                 certificate=True)["certificate_ids"]
    station.worker.run_once(force=True)                    # pulled, both certificates downloaded
    assert store.certificate(certificate) is not None and store.certificate(second) is not None
    # the platform refuses the first on review; the kiosk has not pulled that yet
    platform.advance(ref, "rejected", message="经复核，不符合申领条件")

    items = _open_lookup(kiosk, qtbot)
    index = [i["submissionId"] for i in items].index(mine.submission_id)
    assert items[index]["certificateId"] == certificate       # as far as the kiosk knew: approved
    assert mine.local_reference in visible(kiosk, f"references_{index}").property("text")
    assert ref in visible(kiosk, f"references_{index}").property("text")
    folder = config.data_dir / "a4-prints"
    tap_visible(kiosk, f"printCertificate_{index}")
    assert _printed(kiosk, qtbot) == "error"
    message = kiosk.lookup.property("message")
    assert "不予受理" in message and "不能打印" in message and "同步" not in message   # checked online
    assert not list(folder.glob("*.pdf"))                       # nothing printed
    qtbot.waitUntil(lambda: kiosk.lookup.property("items")[index]["certificateId"] == "", timeout=10_000)
    settle(kiosk.app)
    assert find_none(kiosk, f"printCertificate_{index}")        # no longer offered
    assert "不予受理" in visible(kiosk, f"certificateNote_{index}").property("text")
    assert "不予受理" in " ".join(strings_in_tree(kiosk)) and "12345" in " ".join(strings_in_tree(kiosk))
    events = [(e["event"], e["detail"]) for e in store.audit_entries()]
    assert any(event == "certificate_print_refused" and certificate in detail for event, detail in events)
    tap_visible(kiosk, "lookupDoneButton")

    # the second certificate is revoked; the platform is then out of reach: the last pulled state
    platform.revoke_certificate(second, "证照信息有误，已重新核发")
    station.worker.run_once(force=True)                    # the revocation is pulled
    kiosk.certificates.platform_url = "http://127.0.0.1:9"   # nothing listens there
    items = _open_lookup(kiosk, qtbot)
    index = [i["submissionId"] for i in items].index(other.submission_id)
    assert items[index]["certificateId"] == ""
    assert "撤销" in visible(kiosk, f"certificateNote_{index}").property("text")
    assert "证照信息有误" in items[index]["certificateNote"]
    kiosk.lookup.printCertificate(other.submission_id, second)     # even if asked directly
    assert _printed(kiosk, qtbot) == "error"
    message = kiosk.lookup.property("message")
    assert "撤销" in message and "从省平台收到的消息" in message             # offline: says which state
    assert not list(folder.glob("*.pdf"))

    # staff looking the resident up see each certificate's state in words
    kiosk.lookup.load(card.id_number, card.name, for_staff=True)
    qtbot.waitUntil(lambda: kiosk.lookup.property("state") == "shown", timeout=10_000)
    notes = {i["submissionId"]: i["certificateNote"] for i in kiosk.lookup.property("items")}
    assert f"证照 {second}：已撤销（证照信息有误，已重新核发）" in notes[other.submission_id]
    assert f"证照 {certificate}：已收回" in notes[mine.submission_id]


def find_none(kiosk, name: str) -> bool:
    """True when no visible item is called `name`."""
    from tests.ui.qml_tree import visible_items

    return not [i for i in visible_items(kiosk.window.contentItem()) if i.objectName() == name]

"""查进度 / 打印结果 by touch on the demo kiosk: the resident presses 查进度, puts their card on the
(pty) reader, and sees their application with the status pulled from the reference platform;
再打印凭条 prints again (masked data only); 返回 to the start forgets the 查进度 purpose."""

from __future__ import annotations

from devices.idcard.samples import sample_for
from devices.printer.receipt import receipt_bytes
from kiosk.ui.screenshots import settle
from kiosk.ui.viewmodels.lookup import status_words, stored_receipt
from sync.platform.service import PlatformService
from tests.ui.qml_tree import strings_in_tree
from tests.ui.staff_helpers import place_card, saved_application, tap_visible, visible


def test_returning_resident_sees_pulled_status_and_reprints_the_receipt(demo, qtbot, caplog):
    kiosk, station, _ = demo
    store = station.store
    card = sample_for("resident")
    mine, _ = saved_application(kiosk, name=card.name, id_number=card.id_number)
    saved_application(kiosk)                                # somebody else's: not listed
    station.worker.run_once(force=True)
    service = PlatformService(store.data_dir.parent / (store.data_dir.name + "-platform"))
    service.advance(store.find(mine.submission_id).platform_reference, "need_materials",
                    message="请补交户口簿首页", required_materials=["户口簿首页"])
    station.worker.run_once(force=True)

    tap_visible(kiosk, "lookupButton")
    assert kiosk.shell.property("screen") == "identify_manual"
    assert kiosk.shell.property("purpose") == "lookup"
    settle(kiosk.app)
    assert "读卡区" in visible(kiosk, "cardHint").property("text")    # the card is asked for, shown
    assert "读卡区" in kiosk.shell.current_prompt()                  # and said
    place_card(qtbot, kiosk, "resident",                 # over the simulated reader's wire protocol
               lambda: kiosk.shell.property("screen") == "status_lookup")
    qtbot.waitUntil(lambda: kiosk.lookup.property("state") == "shown", timeout=10_000)
    settle(kiosk.app)
    items = kiosk.lookup.property("items")
    assert [i["submissionId"] for i in items] == [mine.submission_id]
    assert not kiosk.shell.property("canGoBack")          # 首页 or 办完了 end the visit
    assert items[0]["status"] == "需要补交材料" and "户口簿首页" in items[0]["detail"]
    assert items[0]["certificateId"] == ""
    assert "需要补交材料" in visible(kiosk, "status_0").property("text")
    assert kiosk.shell.property("greetingName") == ""        # no journey started
    assert kiosk.journey.applicant is None or kiosk.journey.applicant.get("id_number") != card.id_number

    printer = kiosk.station_devices.printer_simulator
    pages = len(printer.png_paths)
    tap_visible(kiosk, "reprintReceipt_0")
    qtbot.waitUntil(lambda: kiosk.lookup.property("messageKind") in ("ok", "error"), timeout=15_000)
    assert kiosk.lookup.property("messageKind") == "ok", kiosk.lookup.property("message")
    assert printer.wait_for_pages(pages + 1, timeout=10)
    assert "receipt_reprinted" in [e["event"] for e in store.audit_entries()]

    caplog.set_level("INFO", logger="kiosk.ui.viewmodels.shell")
    tap_visible(kiosk, "lookupDoneButton")
    assert kiosk.shell.property("screen") == "attract"
    assert kiosk.shell.property("purpose") == "apply"
    assert "session ended: finished" in caplog.text          # 办完了 is a visit ended, not broken off
    assert not [t for t in strings_in_tree(kiosk) if card.name in t or mine.local_reference in t]


def test_back_to_the_start_forgets_lookup_and_a_card_then_starts_the_journey(demo, qtbot):
    kiosk, _, _ = demo
    tap_visible(kiosk, "lookupButton")
    assert kiosk.shell.property("purpose") == "lookup"
    kiosk.shell.back()                                       # the top bar's 返回
    assert kiosk.shell.property("screen") == "attract" and kiosk.shell.property("purpose") == "apply"
    place_card(qtbot, kiosk, "resident", lambda: kiosk.shell.property("screen") == "identified")


def test_nobody_found_says_so_with_the_hotline(demo, qtbot):
    kiosk, _, _ = demo
    tap_visible(kiosk, "lookupButton")
    place_card(qtbot, kiosk, "resident", lambda: kiosk.lookup.property("state") == "shown")
    settle(kiosk.app)
    assert "12345" in visible(kiosk, "noApplications").property("text")


def test_reprinted_receipt_carries_masked_data_only(demo):
    kiosk, station, _ = demo
    card = sample_for("resident")
    saved, _ = saved_application(kiosk, name=card.name, id_number=card.id_number)
    receipt = stored_receipt(station.store, kiosk.journey.catalogue, saved.submission_id, "驿站", "12345")
    assert receipt.applicant_id_number != card.id_number and "*" in receipt.applicant_id_number
    assert receipt.applicant_name != card.name and receipt.applicant_name.startswith(card.name[0])
    assert receipt.reference == saved.local_reference and receipt.items
    data = receipt_bytes(receipt)
    assert card.id_number.encode() not in data and card.id_number[6:14].encode() not in data


def test_status_words():
    assert status_words("queued", []) == ("已保存在本机，联网后自动发送到平台", "")
    pulled = [{"status": "accepted", "message": "已受理", "required_materials": []},
              {"status": "rejected", "message": "材料不全", "required_materials": []}]
    assert status_words("rejected", pulled) == ("不予受理", "材料不全")
    assert status_words("failed", pulled)[0] == "发送遇到问题，工作人员会处理"


def test_the_receipts_qr_code_finds_the_application_by_either_reference(qapp, qtbot, tmp_path):
    """扫码或凭编号查询办理进度, as the receipt says: 查进度 → 改为扫码 → the receipt's QR code (its
    temporary reference) lists that application, with the platform's reference beside it; while
    applying, the same code is no identity. (Store.find by any reference: tests/sync/test_references.py)"""
    import segno

    from kiosk.station.config import defaults
    from kiosk.ui.app import build
    from sync.store import Store
    from tests.sync.helpers import sample_payload

    store = Store.open(tmp_path / "data", tmp_path / "keys", station_id="210102-0001")
    saved = store.submit(sample_payload())
    row = next(r for r in store.outbox_rows(masked=False) if r.ref_id == saved.submission_id)
    store.mark_delivered(row, {"platform_reference": "SQ20261207000012"})
    receipt_code = tmp_path / "receipt-qr.png"
    segno.make(saved.local_reference, error="m").save(str(receipt_code), scale=8, border=4)
    kiosk = build(defaults().with_overrides({"devices": {"qr_camera": str(receipt_code)}}),
                  voice_enabled=False, store=store)
    try:
        settle(kiosk.app)
        tap_visible(kiosk, "lookupButton")
        tap_visible(kiosk, "scanInsteadButton")
        qtbot.waitUntil(lambda: kiosk.shell.property("screen") == "status_lookup", timeout=15_000)
        qtbot.waitUntil(lambda: kiosk.lookup.property("state") == "shown", timeout=10_000)
        settle(kiosk.app)
        (item,) = kiosk.lookup.property("items")
        assert item["submissionId"] == saved.submission_id
        shown = visible(kiosk, "references_0").property("text")
        assert "SQ20261207000012" in shown and saved.local_reference in shown
        assert kiosk.session.person is None                      # nobody was identified by it

        kiosk.shell.home()
        settle(kiosk.app)
        tap_visible(kiosk, "scanButton")                          # applying: a receipt is no identity
        qtbot.waitUntil(lambda: kiosk.scan.property("state") == "error", timeout=15_000)
        assert kiosk.scan.property("errorTitle") == "这不是辽事通身份码"
        kiosk.shell.home()
        settle(kiosk.app)
    finally:
        kiosk.shutdown()
        store.close()
    assert not kiosk.qml_warnings, "\n".join(kiosk.qml_warnings)

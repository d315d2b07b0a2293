"""Staff mode by touch on the demo kiosk: the PIN lockout (audited, never the PIN), the queue
with a failed row put back by 重试, a test print on the pty printer simulator, a certificate
advanced on the reference platform pulled, verified and printed to the PDF folder, and a
tampered certificate refused with nothing printed."""

from __future__ import annotations

import json
import sqlite3
import subprocess

from PySide6.QtCore import QPointF

from kiosk.ui.screenshots import settle
from kiosk.ui.staff_wiring import make_pins
from sync.platform.service import PlatformService
from tests.ui.qml_tree import strings_in_tree
from tests.ui.staff_helpers import (
    place_card,
    saved_application,
    tap_key,
    tap_visible,
    type_keys,
    visible,
)

PIN = "258025"


def _login(kiosk, qtbot, staff_id: str, pin: str) -> None:
    tap_visible(kiosk, "staffIdField")
    tap_key(kiosk, "staffKeypad", "清空")
    type_keys(kiosk, "staffKeypad", staff_id)
    tap_visible(kiosk, "pinField")
    type_keys(kiosk, "staffKeypad", pin)
    tap_visible(kiosk, "staffLoginButton")
    qtbot.waitUntil(lambda: not kiosk.staff.property("checking"), timeout=10_000)
    settle(kiosk.app)


def test_five_wrong_pins_lock_the_terminal_and_every_try_is_audited(demo, qtbot):
    kiosk, station, config = demo
    make_pins(config, station.store).set_pin("0001", PIN)
    tap_visible(kiosk, "staffButton")
    assert kiosk.shell.property("screen") == "staff_login"

    for attempt in range(1, 5):
        _login(kiosk, qtbot, "0001", "135790")
        message = kiosk.staff.property("loginMessage")
        assert f"还可尝试 {5 - attempt} 次" in message, message
    _login(kiosk, qtbot, "0001", "135790")
    assert kiosk.staff.property("locked")
    message = kiosk.staff.property("loginMessage")
    assert "已锁定" in message and "15 分钟" in message
    assert visible(kiosk, "loginMessage")

    _login(kiosk, qtbot, "0001", PIN)                 # the right PIN does not open a locked terminal
    assert kiosk.shell.property("screen") == "staff_login"
    assert "已锁定" in kiosk.staff.property("loginMessage")

    events = [e["event"] for e in station.store.audit_entries()]
    assert events.count("staff.login_failed") == 5
    assert "staff.lockout_started" in events and "staff.login_refused_locked" in events
    audit_text = json.dumps(station.store.audit_entries(), ensure_ascii=False)
    assert PIN not in audit_text and "135790" not in audit_text


def test_staff_session_queue_devices_and_certificates(demo, qtbot, tmp_path):
    kiosk, station, config = demo
    store = station.store
    make_pins(config, store).set_pin("0001", PIN)
    good, payload = saved_application(kiosk)
    # the platform refuses an ID number with a wrong check digit (422): the row is 不予受理
    bad_id = payload["applicant"]["id_number"][:17] + ("0" if payload["applicant"]["id_number"][17] != "0"
                                                      else "1")
    rejected, _ = saved_application(kiosk, id_number=bad_id)
    station.worker.run_once(force=True)
    # and one the worker gave up on (an unexpected 4xx): marked failed through its own call
    failed, _ = saved_application(kiosk)
    row = [r for r in store.outbox_rows() if r.ref_id == failed.submission_id][0]
    store.mark_failed(row, "平台拒绝（413 payload_too_large）")
    states = {r.ref_id: r.state for r in store.outbox_rows()}
    assert states[rejected.submission_id] == "rejected" and states[good.submission_id] != "failed"

    # log in by touch
    tap_visible(kiosk, "staffButton")
    _login(kiosk, qtbot, "0001", PIN)
    assert kiosk.shell.property("screen") == "staff_home"
    assert not kiosk.shell.property("canGoBack")          # no way back to the PIN screen
    qtbot.waitUntil(lambda: len(kiosk.staff.property("problems")) == 2, timeout=10_000)
    settle(kiosk.app)
    problems = {p["ref"]: p for p in kiosk.staff.property("problems")}
    assert not problems[rejected.local_reference]["canRetry"]
    assert "身份证号码校验不通过" in problems[rejected.local_reference]["reason"]
    assert problems[failed.local_reference]["canRetry"]
    assert "413" in problems[failed.local_reference]["reason"]
    texts = " ".join(strings_in_tree(kiosk))
    assert failed.local_reference in texts and "待发送" in texts and "不予受理" in texts

    # 重试 puts the failed row back in the queue
    tap_visible(kiosk, f"retry_{failed.local_reference}")
    qtbot.waitUntil(lambda: "重新放回" in kiosk.staff.property("queueMessage"), timeout=10_000)
    # requeued, and the woken delivery worker sends it (queued → delivered)
    state = {r.ref_id: r.state for r in store.outbox_rows()}[failed.submission_id]
    assert state in ("queued", "sending", "delivered", "received", "accepted")
    station.worker.run_once(force=True)
    assert {r.ref_id: r.state for r in store.outbox_rows()}[failed.submission_id] in (
        "delivered", "received", "accepted")
    assert "retry" in [e["event"] for e in store.audit_entries()]

    # a test page on the receipt printer simulator
    printer = kiosk.station_devices.printer_simulator
    pages = len(printer.png_paths)
    tap_visible(kiosk, "testPrintButton")
    qtbot.waitUntil(lambda: kiosk.staff.property("testPrintMessage").startswith("测试页已打印"),
                    timeout=15_000)
    assert printer.wait_for_pages(pages + 1, timeout=10)
    # a test page is unmistakably one: 测试页, the printer and its status, no reference, nobody's data
    page = "\n".join(printer.text_log()).rsplit("自助服务受理凭条", 1)[-1]
    assert "测试页" in page and "打印前状态：打印机正常" in page and "本页不含任何个人信息" in page
    assert "受理编号" not in page and "申请人" not in page and "扫码" not in page
    devices_text = " ".join(d["name"] + d["state"] for d in kiosk.staff.property("devices"))
    assert "凭条打印机正常" in devices_text

    # paper near its end, then out: the staff page says so, with a mark and in words
    printer.state.near_end = True
    kiosk.station_devices.manager.refresh_printer()
    qtbot.waitUntil(lambda: any(d["warn"] and "即将用完" in d["message"]
                                for d in kiosk.staff.property("devices")), timeout=10_000)
    printer.state.paper_out = True
    kiosk.station_devices.manager.refresh_printer()
    qtbot.waitUntil(lambda: any(d["warn"] and d["state"] == "故障" for d in kiosk.staff.property("devices")),
                    timeout=10_000)
    settle(kiosk.app)
    assert "！ 凭条打印机：故障" in " ".join(strings_in_tree(kiosk))
    printer.state.near_end = printer.state.paper_out = False
    kiosk.station_devices.manager.refresh_printer()

    # the platform completes the good application with a certificate; the worker pulls both
    service = PlatformService(store.data_dir.parent / (store.data_dir.name + "-platform"))
    platform_ref = store.find(good.submission_id).platform_reference
    assert platform_ref
    service.advance(platform_ref, "completed", certificate=True)
    station.worker.run_once(force=True)
    assert store.certificate_ids_missing() == []

    # look the resident up by typing the ID number, print the certificate; a key refused on the
    # way (X first) is said under 查找 and moves no key (it pushed the pad down a row: exerciser)
    tap_visible(kiosk, "lookupIdField")
    settle(kiosk.app)
    pad = visible(kiosk, "lookupKeypad")
    where = pad.mapToScene(QPointF(0, 0))
    type_keys(kiosk, "lookupKeypad", "X")
    assert visible(kiosk, "lookupIdError").property("text").startswith("！")
    assert pad.mapToScene(QPointF(0, 0)) == where
    type_keys(kiosk, "lookupKeypad", payload["applicant"]["id_number"])
    tap_visible(kiosk, "lookupFindButton")
    assert kiosk.shell.property("screen") == "status_lookup"
    qtbot.waitUntil(lambda: kiosk.lookup.property("state") == "shown", timeout=10_000)
    settle(kiosk.app)
    items = kiosk.lookup.property("items")
    mine = [i for i in items if i["submissionId"] == good.submission_id]
    assert mine and mine[0]["status"] == "已办结" and mine[0]["certificateId"]
    index = items.index(mine[0])
    tap_visible(kiosk, f"printCertificate_{index}")
    qtbot.waitUntil(lambda: kiosk.lookup.property("messageKind") in ("ok", "error"), timeout=20_000)
    assert kiosk.lookup.property("messageKind") == "ok", kiosk.lookup.property("message")
    folder = config.data_dir / "a4-prints"
    pdfs = sorted(folder.glob("*.pdf"))
    assert len(pdfs) == 1
    png = tmp_path / "certificate"
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", str(pdfs[0]), str(png)], check=True,
                   timeout=60)
    assert png.with_suffix(".png").stat().st_size > 1000
    assert pdfs[0].read_bytes() == store.certificate(mine[0]["certificateId"])

    # offline (nothing listens on the platform's address): the stored, verified copy prints
    kiosk.certificates.platform_url = "http://127.0.0.1:9"
    tap_visible(kiosk, f"printCertificate_{index}")
    qtbot.waitUntil(lambda: kiosk.lookup.property("messageKind") in ("ok", "error"), timeout=30_000)
    assert kiosk.lookup.property("messageKind") == "ok", kiosk.lookup.property("message")
    assert len(sorted(folder.glob("*.pdf"))) == 2
    # ... but not one whose recorded hash no longer matches what is stored
    first = mine[0]["certificateId"]
    with sqlite3.connect(_store_db(store)) as db:
        db.execute("UPDATE certificates SET sha256=? WHERE certificate_id=?", ("0" * 64, first))
    kiosk.lookup.printCertificate(good.submission_id, first)
    qtbot.waitUntil(lambda: kiosk.lookup.property("messageKind") in ("ok", "error"), timeout=30_000)
    assert kiosk.lookup.property("messageKind") == "error"
    assert len(sorted(folder.glob("*.pdf"))) == 2
    kiosk.certificates.platform_url = station.platform_url
    pdfs = sorted(folder.glob("*.pdf"))

    # a tampered certificate: a new one issued, then its bytes changed on the platform's side
    service.advance(platform_ref, "completed", certificate=True)
    with sqlite3.connect(service.data_dir / "platform.db") as db:
        cid, pdf = db.execute("SELECT certificate_id, pdf FROM certificates ORDER BY rowid DESC LIMIT 1"
                              ).fetchone()
        db.execute("UPDATE certificates SET pdf=? WHERE certificate_id=?",
                   (pdf[:len(pdf) // 2] + bytes([pdf[len(pdf) // 2] ^ 0x01]) + pdf[len(pdf) // 2 + 1:], cid))
    station.worker.run_once(force=True)
    assert store.certificate(cid) is None                      # the worker refused it too
    kiosk.lookup.load(payload["applicant"]["id_number"], for_staff=True)
    qtbot.waitUntil(lambda: kiosk.lookup.property("state") == "shown", timeout=10_000)
    settle(kiosk.app)
    items = kiosk.lookup.property("items")
    index = [i["submissionId"] for i in items].index(good.submission_id)
    assert items[index]["certificateId"] == cid
    tap_visible(kiosk, f"printCertificate_{index}")
    qtbot.waitUntil(lambda: kiosk.lookup.property("messageKind") in ("ok", "error"), timeout=20_000)
    assert kiosk.lookup.property("messageKind") == "error"
    assert "签名校验没有通过" in kiosk.lookup.property("message")
    assert "12345" in " ".join(strings_in_tree(kiosk))
    assert sorted(folder.glob("*.pdf")) == pdfs                # nothing printed
    assert "certificate_print_refused" in [e["event"] for e in store.audit_entries()]

    # back to the staff screen: today's figures, the catalogue, export to a USB stick
    tap_visible(kiosk, "lookupDoneButton")
    assert kiosk.shell.property("screen") == "staff_home"
    tap_visible(kiosk, "staffRefreshButton")
    kiosk.staff.wait()
    settle(kiosk.app)
    assert {"label": "退休一件事", "count": 3} in kiosk.staff.property("figures")
    assert kiosk.journey.catalogue.version in visible(kiosk, "catalogueText").property("text")

    waiting = store.submit(payload)                  # saved while the network is down: to export
    media = tmp_path / "media"
    kiosk.staff.usb_patterns = (str(media / "*" / "*"),)
    tap_visible(kiosk, "findUsbButton")
    qtbot.waitUntil(lambda: "没有检测到 U 盘" in kiosk.staff.property("exportMessage"), timeout=10_000)
    stick = media / "staff" / "KINGSTON"
    stick.mkdir(parents=True)
    tap_visible(kiosk, "findUsbButton")
    qtbot.waitUntil(lambda: kiosk.staff.property("usbFolders") == [str(stick)], timeout=10_000)
    settle(kiosk.app)
    tap_visible(kiosk, "exportTo_0")
    qtbot.waitUntil(lambda: kiosk.staff.property("exportMessage").startswith("已导出"), timeout=20_000)
    exported = list((stick / "kiosk-export").glob("*.kiosk-export.json"))
    assert len(exported) == 1
    from sync import usb_export

    station_id, items = usb_export.read(exported[0], service.station_public_key, service.key)
    assert station_id == store.setting("station_id")
    assert [s["body"]["submission_id"] for s in items["submissions"]] == [waiting.submission_id]

    # 备份本机: refused with what to do until the county's recovery key is set up, then one file
    tap_visible(kiosk, "backupTo_0")
    qtbot.waitUntil(lambda: "set-recovery" in kiosk.staff.property("exportMessage"), timeout=20_000)
    from kiosk.station.backup import set_recovery_passphrase

    set_recovery_passphrase(kiosk.staff._key_dir, "县里保管的恢复口令 2026")
    tap_visible(kiosk, "backupTo_0")
    qtbot.waitUntil(lambda: kiosk.staff.property("exportMessage").startswith("已备份本机"), timeout=30_000)
    backups = [p for p in stick.iterdir() if p.is_file()]
    assert len(backups) == 1 and backups[0].stat().st_size > 0
    assert "staff.backup" in [e["event"] for e in store.audit_entries()]

    # a resident's card on the reader while staff look: their applications, for staff
    place_card(qtbot, kiosk, "resident", lambda: kiosk.shell.property("screen") == "status_lookup")
    assert kiosk.lookup.property("forStaff")
    tap_visible(kiosk, "lookupDoneButton")
    assert kiosk.shell.property("screen") == "staff_home"

    # 退出 to the attract screen
    tap_visible(kiosk, "staffLogoutButton")
    assert kiosk.shell.property("screen") == "attract"
    assert kiosk.staff.property("loggedIn") == ""


def _store_db(store):
    found = sorted(store.data_dir.glob("*.db")) + sorted(store.data_dir.glob("*.sqlite*"))
    assert found, f"no store database in {store.data_dir}"
    return found[0]



def test_staff_pages_time_out_back_to_the_start_and_log_out(make_kiosk):
    kiosk = make_kiosk()
    kiosk.staff.open()
    kiosk.staff._logged_in = "0001"          # as after a good PIN (the PIN itself is tested above)
    kiosk.shell.jump("staff_home")
    settle(kiosk.app)
    ui = kiosk.session
    kiosk.clock.advance(ui.idle_timeout_s + 1)
    ui.tick()
    assert kiosk.shell.property("warningVisible")
    kiosk.clock.advance(ui.warning_s + 1)
    ui.tick()
    settle(kiosk.app)
    assert kiosk.shell.property("screen") == "attract"
    assert kiosk.staff.property("loggedIn") == ""


def test_the_staff_page_reads_as_sentences(demo, qtbot):
    """Issue 14, item 9: "最早一件已等 没有待发的申请" and "事项目录：使用中：2026.11.2"; and 刷新,
    pressed with nothing new, showed no sign of having done anything."""
    kiosk, station, config = demo
    make_pins(config, station.store).set_pin("0001", PIN)
    tap_visible(kiosk, "staffButton")
    _login(kiosk, qtbot, "0001", PIN)
    kiosk.staff.wait()
    settle(kiosk.app)
    assert visible(kiosk, "pendingText").property("text") == "没有待发送的申请。"
    catalogue = visible(kiosk, "catalogueText").property("text")
    assert catalogue == f"事项目录：本机使用 {kiosk.journey.catalogue.version} 版"
    assert "：使用中：" not in catalogue and "已等 没有" not in " ".join(strings_in_tree(kiosk))
    assert visible(kiosk, "refreshedText").property("text").startswith("以下是 ")

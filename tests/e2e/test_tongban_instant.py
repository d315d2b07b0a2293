"""End to end, by touch, at the demo station 210102-0001 (沈阳市和平区): pty card reader and
receipt printer, the camera simulator, the encrypted store, the delivery worker and the reference
platform on 127.0.0.1 (deciding 即办件 at once, as configured in the demo), A4 output to PDFs.

- 通办 + 立等可取: a villager registered in 抚顺市新宾满族自治县 applies for 城乡居民养老保险参保
  (both items 全省通办 and 即办). 办理须知 says the station collects it for 新宾's department; the
  kiosk saves, waits on the calm screen, and prints the certificate on A4 after the signature
  check; the platform has the application with the handling division named per item.
- 属地: 身后一件事 for someone whose 户口 was in 铁岭市银州区: 死亡户口注销 is not submitted here,
  the receipt (screen and record) says where to go, the other items go to the platform.
- The fallback: the platform down → no wait beyond the (short, configured) limit, the receipt.
"""

from __future__ import annotations

import hashlib

import pytest
import zxingcpp
from PySide6.QtGui import QImage

from forms.examples import example
from kiosk.station.composition import open_sync
from kiosk.station.demo import demo_config
from kiosk.ui.app import build
from kiosk.ui.screenshots import settle
from kiosk.ui.viewmodels.instant import attach_waiter
from sync import signing
from sync.enrollment import platform_key
from sync.platform.service import PlatformService
from tests.a4.a4_pdftools import need_poppler, pages_as_images
from tests.e2e.test_every_bundle import (
    answer_questions,
    identify_by_card,
    screen,
    settle_materials,
    sign_by_finger,
    stop_demo_platform,
)
from tests.ui.credit_touch import pass_credit_notice
from tests.ui.qml_tree import strings_in_tree
from tests.ui.test_form_flow import find, tap


@pytest.fixture(autouse=True)
def pinyin_user_dictionary(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))


class InstantStation:
    """The demo station with the 立等可取 waiter attached, as `main.py demo` runs it."""

    def __init__(self, tmp_path, qtbot, wait_s: int) -> None:
        self.config = demo_config(None, tmp_path / "data").with_overrides(
            {"kiosk": {"instant_wait_seconds": wait_s}})
        self.sync = open_sync(self.config, demo=True, on_status=lambda status: None, poll_s=3600)
        self.kiosk = build(self.config, voice_enabled=False, open_station_devices=True,
                           allow_simulators=True, store=self.sync.store)
        self.sync.worker.on_status = self.kiosk.sync_status.status_from_worker
        self.kiosk.on_submitted.append(self.sync.wake)
        self.kiosk.certificates.platform_url = self.sync.platform_url
        attach_waiter(self.kiosk, self.sync, self.config)
        self.qtbot = qtbot
        data_dir = self.sync.store.data_dir
        self.platform_dir = data_dir.parent / (data_dir.name + "-platform")
        self.screens: list[str] = []
        self.kiosk.shell.changed.connect(lambda: self.screens.append(screen(self.kiosk)))
        settle(self.kiosk.app)

    def platform(self) -> PlatformService:
        return PlatformService(self.platform_dir)

    def stop_platform(self) -> None:
        """The network goes: new connections are refused."""
        stop_demo_platform(self.sync)

    def close(self) -> None:
        self.kiosk.shutdown()
        self.sync.close()


@pytest.fixture
def station(qapp, qtbot, tmp_path, request):
    built = InstantStation(tmp_path, qtbot, getattr(request, "param", 60))
    yield built
    built.close()
    assert not built.kiosk.qml_warnings, "Qt/QML warnings:\n" + "\n".join(built.kiosk.qml_warnings)


def apply_by_touch(station: InstantStation, bundle_id: str, variant: int) -> dict:
    """Card → 办理须知 (returned: what it said) → questions → papers → review → signature → saved."""
    kiosk, qtbot = station.kiosk, station.qtbot
    sample = example(bundle_id, variant)
    identify_by_card(station, sample["applicant"])
    tap(kiosk, "startButton")
    tap(kiosk, f"bundle_{bundle_id}")
    pass_credit_notice(kiosk)
    assert screen(kiosk) == "bundle_intro"
    intro = {"heading": kiosk.handling.property("heading"), "lines": kiosk.handling.property("lines"),
             "shown": find(kiosk, "handlingNotice").isVisible(),
             "texts": " ".join(strings_in_tree(kiosk))}
    tap(kiosk, "startFormButton")
    answer_questions(kiosk, sample["answers"])
    if screen(kiosk) == "materials":
        settle_materials(kiosk, qtbot, sample.get("materials") or {})
    assert screen(kiosk) == "review"
    intro["review"] = " ".join(strings_in_tree(kiosk))          # decided again with the answers
    tap(kiosk, "reviewConfirmButton")
    if screen(kiosk) == "materials":
        settle_materials(kiosk, qtbot, sample.get("materials") or {})
        intro["review"] = " ".join(strings_in_tree(kiosk))
        tap(kiosk, "reviewConfirmButton")
    sign_by_finger(kiosk)
    return intro


def submitted_body(station: InstantStation, reference: str) -> dict:
    import json

    row = station.platform().find_submission(reference)
    assert row is not None, "not on the platform"
    return json.loads(row["body"])


@pytest.mark.slow
def test_tongban_collected_here_and_the_result_printed_on_the_spot(station):
    kiosk, qtbot = station.kiosk, station.qtbot
    need_poppler()
    intro = apply_by_touch(station, "resident_pension", 0)       # 抚顺市新宾, 48: both items 即办
    assert intro["shown"] and intro["heading"] == "异地也能办：本站代收"
    assert all(line["here"] and "抚顺市新宾满族自治县" in line["sentence"] and "本站代收" in line["sentence"]
               for line in intro["lines"]) and len(intro["lines"]) == 3   # 待遇申领 may apply
    assert "全省通办：本站代收，由抚顺市新宾满族自治县" in intro["texts"]

    qtbot.waitUntil(lambda: screen(kiosk) == "receipt", timeout=90_000)
    assert "instant" in station.screens                          # the calm wait was shown
    assert kiosk.instant.property("outcome") == "printed", kiosk.instant.property("message")
    assert find(kiosk, "instantMessage").isVisible()
    assert "证照已打印" in kiosk.instant.property("message")
    # done is said as done, in plain words: no "接下来" over an item already printed, no jargon
    assert find(kiosk, "itemsHeading").property("text") == "已经办好"
    shown = " ".join(strings_in_tree(kiosk))
    assert "已办好，结果已打印" in shown and "接下来" not in shown and "当场办结" not in shown
    assert "刚和省平台核对过" in kiosk.instant.property("message") and "在线核对" not in shown

    reference = kiosk.submit.property("reference")
    body = submitted_body(station, reference)
    assert [h["division_code"] for h in body["handling"]] == ["210422", "210422"]
    assert all(h["handled_where"] == "province" for h in body["handling"])
    assert all(h["collected_by_other_division"] for h in body["handling"])
    assert body["handling"][0]["handled_by"].startswith("抚顺市新宾满族自治县人力资源和社会保障部门")

    # the page on the A4 path is the platform's signed certificate, unaltered, for this application
    (printed,) = sorted((station.config.data_dir / "a4-prints").glob("*.pdf"))
    document = printed.read_bytes()
    info = station.sync.store.find(reference)
    assert info.statuses[-1]["status"] == "completed"
    (certificate_id,) = info.statuses[-1]["certificate_ids"]
    row = station.platform().certificate(station.config.get("station", "id"), certificate_id)
    assert hashlib.sha256(document).hexdigest() == row["sha256"]
    assert signing.verify(platform_key(station.sync.store), row["signature"], row["sha256"].encode())
    (page,) = pages_as_images(printed, 72, station.config.data_dir / "a4-look")
    height, width = page.shape[:2]
    assert abs(height / width - 297 / 210) < 0.01                       # one A4 page
    image = QImage(str(sorted((station.config.data_dir / "a4-look").glob("page-*.png"))[0]))
    codes = [r.text for r in zxingcpp.read_barcodes(_gray(image))]
    assert f"LNCERT:{certificate_id}" in codes                            # the verify QR names it
    events = [e["event"] for e in station.sync.store.audit_entries()]
    assert "certificate_printed" in events


def _gray(image: QImage):
    from tests.ui.test_submit_flow import _gray as gray

    return gray(image)


@pytest.mark.slow
def test_a_local_item_of_another_county_is_not_submitted_and_the_resident_is_told_where_to_go(station):
    kiosk, qtbot = station.kiosk, station.qtbot
    intro = apply_by_touch(station, "after_death", 0)             # the deceased's 户口: 铁岭市银州区
    assert intro["shown"] and "要回户籍所在地办理" in intro["heading"]
    qtbot.waitUntil(lambda: screen(kiosk) == "receipt", timeout=30_000)
    assert "instant" not in station.screens                      # promised items: no wait
    sentence = ("“死亡户口注销”只能在户籍所在地办理，本站不能代收。"
                "这件事要到户籍所在地铁岭市银州区的公安机关户籍管理部门办理。")
    assert kiosk.submit.property("elsewhere") == [{"sentence": sentence, "here": False}]
    assert sentence in intro["review"]            # 核对 already said it, from the 户口 answer
    assert find(kiosk, "handlingNotice").isVisible() or sentence in " ".join(strings_in_tree(kiosk))
    assert any(sentence in text for text in strings_in_tree(kiosk))
    assert "死亡户口注销" not in [i["name"] for i in kiosk.submit.property("items")]

    reference = kiosk.submit.property("reference")
    stored = station.sync.store.receipt_record(station.sync.store.find(reference).submission_id)
    assert stored["elsewhere"] == [sentence]                      # every reprint says it too
    station.sync.worker.run_once(force=True)      # busy if the worker's own thread is delivering it
    qtbot.waitUntil(lambda: station.platform().find_submission(reference) is not None, timeout=30_000)
    body = submitted_body(station, reference)
    assert "000700202000" not in body["item_codes"] and body["item_codes"]
    assert {h["division_code"] for h in body["handling"]} == {"211202"}   # the deceased's county


@pytest.mark.slow
@pytest.mark.parametrize("station", [2], indirect=True)          # [kiosk] instant_wait_seconds = 2
def test_platform_down_gives_the_receipt_without_waiting_beyond_the_limit(station):
    kiosk, qtbot = station.kiosk, station.qtbot
    station.stop_platform()
    apply_by_touch(station, "resident_pension", 0)
    qtbot.waitUntil(lambda: screen(kiosk) == "receipt", timeout=30_000)
    assert "instant" in station.screens and kiosk.instant.property("outcome") in ("offline", "not_decided")
    assert kiosk.submit.property("reference")
    qtbot.waitUntil(lambda: kiosk.submit.property("printState") in ("printed", "not_printed"), timeout=20_000)
    assert not list((station.config.data_dir / "a4-prints").glob("*.pdf"))   # nothing on A4
    assert station.sync.store.find(kiosk.submit.property("reference")).platform_reference is None


@pytest.mark.slow
def test_stop_waiting_takes_the_receipt_at_once(station):
    """The platform keeps an application with a 告知承诺 for an officer (no decision at once): the
    resident presses 不等了 (the receipt was printed before the wait) and the receipt screen says
    what comes next; nothing is printed on A4."""
    from kiosk.ui.screenshots import complete_sample_application

    kiosk, qtbot = station.kiosk, station.qtbot
    complete_sample_application(kiosk, "resident_pension", 0)
    kiosk.journey.form.set_material("no_employee_pension", "promised")
    kiosk.shell.jump("saving")
    kiosk.submit.save()
    qtbot.waitUntil(lambda: screen(kiosk) == "instant", timeout=20_000)
    qtbot.waitUntil(lambda: kiosk.instant.property("elapsed") >= 1, timeout=20_000)   # the bar moves
    assert find(kiosk, "instantProgress").isVisible() and "最多等 60 秒" in kiosk.instant.property("timeText")
    button = find(kiosk, "stopWaitingButton")
    assert button.property("text") == "不等了，结果以后再打印" and "凭条" not in button.property("text")
    tap(kiosk, "stopWaitingButton")
    assert screen(kiosk) == "receipt" and kiosk.instant.property("outcome") == "stopped"
    assert find(kiosk, "itemsHeading").property("text") == "接下来"     # nothing done yet
    assert "受理凭条" in find(kiosk, "instantMessage").children()[0].property("text")
    assert not list((station.config.data_dir / "a4-prints").glob("*.pdf"))

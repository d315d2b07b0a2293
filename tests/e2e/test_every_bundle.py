"""End to end, by touch alone: for every shipped 一件事, a resident puts their ID card on the
(pty-simulated) reader, chooses the bundle, answers every question, settles every paper
(photographed with the simulated document camera, 以后补交, 告知承诺, 政府已有), checks the answers,
signs with a finger and saves; the receipt comes out of the printer simulator with a QR code of the
reference; the delivery worker (run twice) brings it to the reference platform on 127.0.0.1
exactly once; the platform's 办结 with a certificate is pulled back into the store; the rating is
delivered too. Then once more with the platform unreachable until the very end.

What to answer comes from `catalogue example` (forms.examples); the widget helpers are the ones
the UI tests use (tests/ui/test_form_flow.py, tests/ui/test_materials_sign.py).
"""

from __future__ import annotations

import pytest
import zxingcpp
from PySide6.QtGui import QImage

from devices.idcard.card import IdCard
from devices.idcard.samples import fake_photo
from forms import load_catalogue
from forms.examples import example, variant_titles
from kiosk.station.composition import open_sync
from kiosk.station.demo import demo_config
from kiosk.ui.app import build
from kiosk.ui.screenshots import settle
from sync.platform.server import start_in_thread
from sync.platform.service import PlatformService
from tests.serving import station_serving
from tests.ui.credit_touch import pass_credit_notice
from tests.ui.qml_tree import strings_in_tree
from tests.ui.test_form_flow import answer_current, find, find_item, tap, type_text
from tests.ui.test_materials_sign import draw
from tests.ui.test_submit_flow import _gray

BUNDLES = [bundle.id for bundle in load_catalogue().bundles]
NAME_ONLY = [f"[{b}]" for b in BUNDLES]


@pytest.fixture(autouse=True)
def pinyin_user_dictionary(tmp_path, monkeypatch):
    """As in the form tests: the pinyin keyboard's first-use note about its user dictionary."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))


def richest_variant(bundle_id: str) -> int:
    """The example with the most 以后补交 / 告知承诺 choices, so those paths run where allowed."""
    def score(n: int) -> int:
        papers = example(bundle_id, n).get("materials") or {}
        return sum(1 for choice in papers.values() if choice in ("deferred", "promised"))

    return max(range(len(variant_titles(bundle_id))), key=score)


def card_of(applicant: dict) -> IdCard:
    """The example's applicant as a resident ID card, to put on the simulated reader."""
    birth = applicant["birth_date"]
    return IdCard(
        card_type="resident", name=applicant["name"], name_en=None,
        sex="男" if applicant["sex"] == "1" else "女", ethnicity="汉",
        birth_date=f"{birth[:4]}-{birth[4:6]}-{birth[6:]}", address=applicant["address"],
        id_number=applicant["id_number"], issuer="沈阳市公安局", valid_from="2016-06-01",
        valid_to="2036-06-01", photo=fake_photo(applicant["id_number"]))


def stop_demo_platform(sync) -> None:
    """The network goes: the loopback platform stops listening (its demo timer too).

    Stopping the server leaves the connections already open (HTTP/1.1 keep-alive, one per worker
    thread) served by their handler threads, which a real outage would cut: so the delivery thread
    is restarted and the GUI thread's session closed, and every later request must open a new
    connection, which is refused."""
    worker = sync.worker
    worker.stop()
    for close in sync._closers:  # noqa: SLF001 - the demo platform's own closer
        close()
    sync._closers.clear()  # noqa: SLF001
    worker.client.close()
    worker.start(poll_s=3600)


class Station:
    """The demo station: pty reader and printer simulators, the camera simulator, the encrypted
    store, the delivery worker and the reference platform on 127.0.0.1."""

    def __init__(self, tmp_path, qtbot, station_id: str | None = None) -> None:
        self.config = demo_config(None, tmp_path / "data")
        if station_id is not None:      # 通办: a station that serves the example's resident
            self.config = self.config.with_overrides({"station": {"id": station_id}})
        self.sync = open_sync(self.config, demo=True, on_status=lambda status: None, poll_s=3600)
        self.kiosk = build(self.config, voice_enabled=False, open_station_devices=True,
                           allow_simulators=True, store=self.sync.store)
        self.sync.worker.on_status = self.kiosk.sync_status.status_from_worker
        self.kiosk.on_submitted.append(self.sync.wake)
        self.qtbot = qtbot
        data_dir = self.sync.store.data_dir
        self.platform_dir = data_dir.parent / (data_dir.name + "-platform")
        self.port = int(self.sync.platform_url.rsplit(":", 1)[1].split("/")[0])
        self._servers = []
        settle(self.kiosk.app)

    def platform(self) -> PlatformService:
        return PlatformService(self.platform_dir)

    def stop_platform(self) -> None:
        stop_demo_platform(self.sync)

    def restart_platform(self) -> None:
        """The network comes back: the same platform, on the same port."""
        server = start_in_thread(self.platform(), "127.0.0.1", self.port)
        self._servers.append(server)

    def close(self) -> None:
        self.kiosk.shutdown()
        self.sync.close()
        for server in self._servers:
            server.shutdown()
            server.server_close()


@pytest.fixture
def station(qapp, qtbot, tmp_path, request):
    """The demo station; for a test walking one bundle (its `bundle_id` parameter), a station in
    the county of the worked example's resident, which can take its items."""
    params = getattr(getattr(request.node, "callspec", None), "params", {})
    bundle_id = params.get("bundle_id")
    station_id = station_serving(bundle_id, richest_variant(bundle_id)) if bundle_id else None
    built = Station(tmp_path, qtbot, station_id)
    yield built
    built.close()
    assert not built.kiosk.qml_warnings, "Qt/QML warnings:\n" + "\n".join(built.kiosk.qml_warnings)


def screen(kiosk) -> str:
    return kiosk.shell.property("screen")


# ---------------------------------------------------------------------------- the journey by touch
def identify_by_card(station: Station, applicant: dict) -> None:
    kiosk, qtbot = station.kiosk, station.qtbot
    qtbot.waitUntil(lambda: kiosk.devices.property("readerReady"), timeout=10_000)
    station.kiosk.station_devices.reader_simulator.place(card_of(applicant))
    qtbot.waitUntil(lambda: screen(kiosk) == "identified", timeout=10_000)
    assert kiosk.session.person.source == "id_card"
    assert kiosk.session.person.id_number == applicant["id_number"]


def answer_here(kiosk, answers: dict) -> str:
    """The form tests' `answer_current`, plus two things only the richer examples need: an
    address cascade that opens part-way (已选 …) is restarted with 重新选择, and a landline is keyed
    without its dash (the number pad has none; the form takes it either way)."""
    form = kiosk.form
    field_id, kind = form.property("fieldId"), form.property("fieldType")
    value = answers.get(field_id)
    if kind == "phone" and isinstance(value, str):
        return answer_current(kiosk, {**answers, field_id: value.replace("-", "")})
    if kind != "address" or not isinstance(value, dict):
        return answer_current(kiosk, answers)
    if form.property("prefilled"):
        tap(kiosk, "editPrefilledButton")
    if form.property("addressLevel") not in ("city", "province"):
        tap(kiosk, "addressRestartButton")
    tap(kiosk, f"addr_{value['city']}")
    tap(kiosk, f"addr_{value['county']}")
    type_text(kiosk, "addressDetailField", value["detail"])
    tap(kiosk, "nextButton")
    return field_id


def answer_questions(kiosk, answers: dict) -> list[str]:
    seen: list[str] = []
    while screen(kiosk) == "question":
        field_id = answer_here(kiosk, answers)
        stuck = screen(kiosk) == "question" and kiosk.form.property("fieldId") == field_id
        assert not stuck, f"{field_id}: {kiosk.form.property('error')}"
        seen.append(field_id)
        assert len(seen) < 80
    return seen


def photograph(kiosk, qtbot, material_id: str) -> None:
    """拍照上传 with the simulated document camera: every page the plan asks for, then 用这张."""
    tap(kiosk, f"capture_{material_id}")
    assert screen(kiosk) == "capture"
    while screen(kiosk) == "capture":
        qtbot.waitUntil(lambda: kiosk.camera.property("frameSerial") > 0
                        and kiosk.camera.property("stage") == "live"
                        and kiosk.camera.property("guidance") not in ("", "正在打开摄像头…"),
                        timeout=15_000)
        tap(kiosk, "shootButton")
        qtbot.waitUntil(lambda: kiosk.camera.property("stage") == "review", timeout=15_000)
        settle(kiosk.app)
        tap(kiosk, "useButton")
        qtbot.waitUntil(lambda: not kiosk.camera.property("saving"), timeout=10_000)   # durable
        settle(kiosk.app)
    assert screen(kiosk) == "materials"


def statuses(kiosk) -> dict[str, str]:
    return {line.material.id: line.status for line in kiosk.journey.form.materials()}


def settle_materials(kiosk, qtbot, wanted: dict) -> dict[str, str]:
    """Every paper gets a status by touch. As the example says where it says 以后补交 / 告知承诺 /
    photographed; otherwise 政府已有 when offered, else a photo. At least one photo per bundle."""
    assert screen(kiosk) == "materials"
    photographed = False
    for material_id, now in statuses(kiosk).items():
        choice = wanted.get(material_id)
        choice = choice.get("status") if isinstance(choice, dict) else choice
        if choice == "deferred" and find_item(kiosk, f"defer_{material_id}") is not None:
            tap(kiosk, f"defer_{material_id}")
        elif choice == "promised" and find_item(kiosk, f"promise_{material_id}") is not None:
            tap(kiosk, f"promise_{material_id}")
            assert find(kiosk, "promiseOverlay").isVisible()
            assert find(kiosk, "promiseText").property("text")
            tap(kiosk, "promiseConfirm")
        elif choice == "provided" or (now == "missing" and _offered(kiosk, "capture", material_id)
                                      and not _offered(kiosk, "held", material_id)):
            photograph(kiosk, qtbot, material_id)
            photographed = True
        elif now == "missing" and _offered(kiosk, "held", material_id):
            tap(kiosk, f"held_{material_id}")
    if not photographed:                              # documents from the camera, in every bundle
        for material_id in statuses(kiosk):
            if _offered(kiosk, "capture", material_id):
                photograph(kiosk, qtbot, material_id)
                break
    result = statuses(kiosk)
    assert "missing" not in result.values(), result
    tap(kiosk, "materialsNext")
    return result


def _offered(kiosk, kind: str, material_id: str) -> bool:
    item = find_item(kiosk, f"{kind}_{material_id}")
    return item is not None and item.isVisible()


def sign_by_finger(kiosk) -> None:
    assert screen(kiosk) == "sign"
    assert find(kiosk, "signaturePad").isVisible()
    draw(kiosk, [(0.15, 0.6), (0.25, 0.3), (0.35, 0.62), (0.45, 0.32), (0.55, 0.6)])
    draw(kiosk, [(0.6, 0.35), (0.7, 0.65), (0.85, 0.4)])
    tap(kiosk, "confirmSignature")


def complete_by_touch(station: Station, bundle_id: str) -> tuple[str, dict[str, str], str]:
    """Card to receipt. Returns the reference, the papers' statuses and the applicant's name."""
    kiosk, qtbot = station.kiosk, station.qtbot
    sample = example(bundle_id, richest_variant(bundle_id))
    identify_by_card(station, sample["applicant"])
    tap(kiosk, "startButton")
    assert screen(kiosk) == "choose_bundle"
    tap(kiosk, f"bundle_{bundle_id}")
    pass_credit_notice(kiosk)                   # 逢办必查, where the bundle has a credit-checked item
    assert screen(kiosk) == "bundle_intro"
    tap(kiosk, "startFormButton")
    seen = answer_questions(kiosk, sample["answers"])
    assert set(seen) == {f.id for f in kiosk.journey.form.visible_fields()}
    papers = settle_materials(kiosk, qtbot, sample.get("materials") or {}) \
        if screen(kiosk) == "materials" else {}
    assert screen(kiosk) == "review"
    tap(kiosk, "reviewConfirmButton")
    if screen(kiosk) == "materials":            # a paper the questions brought in at the end
        papers = settle_materials(kiosk, qtbot, sample.get("materials") or {})
        tap(kiosk, "reviewConfirmButton")
    sign_by_finger(kiosk)
    qtbot.waitUntil(lambda: screen(kiosk) == "receipt", timeout=20_000)
    reference = kiosk.submit.property("reference")
    assert reference and find(kiosk, "referenceText").property("text") == reference
    return reference, papers, sample["applicant"]["name"]


def receipt_qr(station: Station, reference: str) -> None:
    kiosk, qtbot = station.kiosk, station.qtbot
    qtbot.waitUntil(lambda: kiosk.submit.property("printState") == "printed", timeout=20_000)
    saved = [row.local_reference for row in station.sync.store.outbox_rows() if row.kind == "submission"]
    assert saved == [reference], f"one application saved once, under the reference shown: {saved}"
    printer = kiosk.station_devices.printer_simulator
    assert printer.wait_for_pages(1, timeout=10)
    codes = []
    for path in printer.png_paths:                               # every page this station printed
        page = QImage(str(path))
        assert not page.isNull() and page.width() >= 576
        codes.append([r.text for r in zxingcpp.read_barcodes(_gray(page))])
    assert codes == [[reference]], f"one receipt, with the reference shown ({reference}): {codes}"


def rate_and_finish(kiosk, qtbot, secrets: list[str]) -> None:
    tap(kiosk, "toRatingButton")
    assert screen(kiosk) == "rating"
    tap(kiosk, "rate5")                                          # 非常满意
    tap(kiosk, "submitRatingButton")
    qtbot.waitUntil(lambda: kiosk.rating.property("state") == "thanked", timeout=10_000)
    tap(kiosk, "finishButton")
    assert screen(kiosk) == "attract"
    left = strings_in_tree(kiosk)
    for secret in secrets:
        assert not [t for t in left if secret in t], secret


def delivered_once_and_status_pulled(station: Station, reference: str) -> None:
    """Worker twice: one row on the platform, received once; 办结 with a certificate pulled back."""
    worker = station.sync.worker
    worker.run_once(force=True)
    worker.run_once(force=True)
    rows = [r for r in station.platform().submissions() if r["local_reference"] == reference]
    assert len(rows) == 1 and rows[0]["times_received"] == 1, rows
    assert len(station.platform().submissions()) == 1
    kinds = {r.kind: r.state for r in station.sync.store.outbox_rows()}
    assert kinds["rating"] == "delivered", kinds
    assert kinds["submission"] in ("delivered", "received", "accepted", "approved", "completed")

    advanced = station.platform().advance(reference, "completed", certificate=True, message="已办结")
    worker.run_once(force=True)
    info = station.sync.store.find(reference)
    assert info is not None and info.statuses and info.statuses[-1]["status"] == "completed", info
    (certificate_id,) = advanced["certificate_ids"]
    pdf = station.sync.store.certificate(certificate_id)        # saved only once its signature checked
    assert pdf is not None and pdf.startswith(b"%PDF")


@pytest.mark.slow
@pytest.mark.parametrize("bundle_id", BUNDLES)
def test_a_resident_completes_the_bundle_by_touch(station, bundle_id):
    kiosk, qtbot = station.kiosk, station.qtbot
    reference, papers, name = complete_by_touch(station, bundle_id)
    assert "provided" in papers.values()                        # a photo from the camera
    receipt_qr(station, reference)
    assert kiosk.submit.property("qrImage").startswith("data:image/png;base64,")
    rate_and_finish(kiosk, qtbot, [name, reference])
    delivered_once_and_status_pulled(station, reference)


@pytest.mark.slow
def test_network_down_until_the_end_then_delivered_once(station):
    kiosk, qtbot = station.kiosk, station.qtbot
    station.stop_platform()
    reference, _, name = complete_by_touch(station, "retirement")
    receipt_qr(station, reference)                               # the local reference, printed

    station.sync.worker.run_once(force=True)                     # tries, finds no platform
    qtbot.waitUntil(lambda: "网络暂时不通" in kiosk.sync_status.property("text"), timeout=10_000)
    banner = find(kiosk, "syncBanner")
    shown = " ".join(t for t in strings_in_tree(kiosk) if "网络" in t)
    assert banner.isVisible() and "已安全保存在本机" in shown and "联网后自动上报" in shown
    assert not any(word in shown for word in ("错误", "失败", "异常"))    # calm: no alarm words
    rate_and_finish(kiosk, qtbot, [name, reference])
    assert station.platform().submissions() == []
    assert station.sync.store.find(reference).platform_reference is None      # still provisional
    rows = {r.kind: r.state for r in station.sync.store.outbox_rows()}
    assert rows["submission"] not in ("delivered", "failed") and rows["rating"] != "delivered"

    station.restart_platform()                                  # the network is back
    delivered_once_and_status_pulled(station, reference)        # `force`: as 立即上报 / the next pass
    qtbot.waitUntil(lambda: kiosk.sync_status.property("text").startswith("网络正常"), timeout=10_000)

"""The receipts as paper, against golden images a person has looked at (tests/devices/golden/):
the first print, a 补打 (reprint), an application by a proxy agent, and the printer's test page.

Each is built by the one receipt builder (kiosk/station/receipts.py) from a saved record, sent by
the driver over a pseudo-terminal to the ESC/POS printer simulator, and drawn by it as the paper
would come out (devices/printer/render.py). The comparison is tolerant, as tests/a4/test_render.py's:
same size, mean difference of the softened images below a threshold — a changed line, a moved QR
code or a different reference fails; a font hinting difference does not.

After an intended change of the receipt: `python -m tests.devices.test_receipt_golden` writes the
new pictures into tests/devices/golden/; look at each before committing it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.printer.glyphs import default_rasteriser
from devices.printer.receipt_printer import Printed, PrinterProfile, ReceiptPrinter
from devices.printer.simulator import PrinterSimulator
from devices.printer.transport import SerialTransport
from kiosk.station import receipts
from sync.local_reference import make as make_reference
from tests.devices.conftest import needs_cjk_font

GOLDEN = Path(__file__).parent / "golden"
STATION, HOTLINE = "南湖街道政务服务驿站", "12345"
APPLIED = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
NEWBORN = {
    "bundle_name": "新生儿出生一件事",
    "items": [{"name": "出生医学证明", "code": "", "promised_date": None},
              {"name": "出生户口登记", "code": "", "promised_date": "2026-12-14"},
              {"name": "城乡居民医保参保登记", "code": "", "promised_date": "2026-12-16"},
              {"name": "社会保障卡申领", "code": "", "promised_date": "2026-12-28"}],
    "held_by_government": [{"name": "父母身份证"}],
    "produced": [{"name": "出生医学证明"}],
    "promised": [{"name": "婚姻状况"}],
    "deferred": [{"name": "结婚证", "due_date": "2026-12-21"}],
}
RETIREMENT = {
    "bundle_name": "退休一件事",
    "items": [{"name": "基本养老保险待遇申领", "code": "", "promised_date": "2026-12-18"},
              {"name": "职工医保退休人员待遇核定", "code": "", "promised_date": "2026-12-18"}],
    "held_by_government": [{"name": "居民身份证"}, {"name": "参保缴费记录"}],
    "produced": [], "promised": [], "deferred": [],
}
RESIDENT = {"name": "王喆", "id_number": "11010519491231002X"}


def documents() -> dict[str, object]:
    """name → a Receipt, or the test page's station name."""
    first = receipts.record(NEWBORN, applicant=RESIDENT, agent=None, provided=3, saved_at=APPLIED)
    by_agent = receipts.record(RETIREMENT, applicant={"name": "李淑芬", "id_number": "210102195801011224"},
                               agent={"name": "张晓明", "id_number": "210603197507302116"}, provided=1,
                               saved_at=APPLIED)
    reference = make_reference("210102-0001", 7)
    return {
        "receipt-first": receipts.build(first, reference=reference, station_name=STATION, hotline=HOTLINE),
        "receipt-reprint": receipts.build(first, reference=reference, station_name=STATION, hotline=HOTLINE,
                                          platform_reference="SQ20261207000012", status="已受理，正在办理",
                                          reprinted_at=APPLIED + dt.timedelta(days=2, hours=4, minutes=35)),
        "receipt-agent": receipts.build(by_agent, reference=make_reference("210102-0001", 8),
                                        station_name=STATION, hotline=HOTLINE),
        "test-page": STATION,
    }


def print_all(out_dir: Path, docs: dict[str, object] | None = None) -> dict[str, Path]:
    """Print every document on the simulator (80 mm, native QR, cutter); name → its PNG."""
    sim = PrinterSimulator(80, out_dir=out_dir)
    sim.start()
    # a status answer may take a while on a loaded test machine: the pictures are the point here
    profile = PrinterProfile(width_mm=80, status_timeout=5.0)
    printer = ReceiptPrinter(lambda: SerialTransport(sim.path), profile, default_rasteriser())
    try:
        pages = {}
        for name, document in (docs or documents()).items():
            if isinstance(document, str):
                result = printer.print_test_page(document, APPLIED)
            else:
                result = printer.print_receipt(document)
            assert isinstance(result, Printed), result
            assert sim.wait_for_pages(len(pages) + 1, timeout=30)
            pages[name] = sim.png_paths[-1]
        return pages
    finally:
        printer.close()
        sim.stop()


def difference(page: np.ndarray, golden: np.ndarray) -> str | None:
    """Why `page` is not `golden`, or None. Tolerant as tests/a4's (softened, mean difference
    under 2 grey levels), and also per printer cell (24 × 24 dots, mean under 12): a single
    changed character moves the whole page's mean by 0.02 but its own cell's by about 19."""
    if page.shape != golden.shape:
        return f"size {page.shape} ≠ {golden.shape}"
    diff = np.abs(cv2.GaussianBlur(page, (5, 5), 0).astype(float)
                  - cv2.GaussianBlur(golden, (5, 5), 0).astype(float))
    cells = cv2.resize(diff, (diff.shape[1] // 24, diff.shape[0] // 24), interpolation=cv2.INTER_AREA)
    if diff.mean() >= 2.0 or cells.max() >= 12.0:
        row = int(np.unravel_index(cells.argmax(), cells.shape)[0]) * 24
        return f"mean {diff.mean():.2f}, worst cell {cells.max():.1f} at row {row}"
    return None


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Path]:
    docs = documents()
    # one character of the reprint's status changed: what the comparison must not let through
    docs["changed"] = dataclasses.replace(docs["receipt-reprint"], status="已受理，正在力理")
    return print_all(tmp_path_factory.mktemp("receipts"), docs)


@needs_cjk_font
@pytest.mark.parametrize("name", ["receipt-first", "receipt-reprint", "receipt-agent", "test-page"])
def test_receipt_looks_as_a_person_last_checked_it(printed, name, tmp_path):
    page = cv2.imread(str(printed[name]), cv2.IMREAD_GRAYSCALE)
    golden_path = GOLDEN / f"{name}.png"
    golden = cv2.imread(str(golden_path), cv2.IMREAD_GRAYSCALE)
    assert golden is not None, f"缺少 {golden_path}"
    cv2.imwrite(str(tmp_path / f"{name}.png"), page)
    problem = difference(page, golden)
    assert problem is None, f"{name} differs from its golden image ({problem}): see {tmp_path}"


@needs_cjk_font
def test_the_comparison_sees_one_changed_character(printed):
    golden = cv2.imread(str(GOLDEN / "receipt-reprint.png"), cv2.IMREAD_GRAYSCALE)
    changed = cv2.imread(str(printed["changed"]), cv2.IMREAD_GRAYSCALE)
    assert difference(changed, golden) is not None


if __name__ == "__main__":       # write the golden images after an intended change (look at them!)
    import shutil
    import tempfile

    GOLDEN.mkdir(exist_ok=True)
    for name, path in print_all(Path(tempfile.mkdtemp(prefix="golden-"))).items():
        shutil.copy(path, GOLDEN / f"{name}.png")
        print(GOLDEN / f"{name}.png", file=sys.stderr)

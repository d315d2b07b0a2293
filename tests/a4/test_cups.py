"""Printing through a real (private) CUPS server: cups-pdf lands the page as a PDF in a folder."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).parent))
from a4_cupsd import OFFLINE_QUEUE, PDF_QUEUE  # noqa: E402
from a4_pdftools import need_poppler, pages_as_images, text_of  # noqa: E402

from devices.printer.a4 import (  # noqa: E402
    CupsPrinter,
    NotVerified,
    PrinterNotFound,
    PrintError,
    print_certificate,
)
from devices.printer.a4.render import Notice, NoticeRenderer  # noqa: E402
from devices.printer.a4.samples import sample_notice  # noqa: E402
from devices.scanner import EnsembleDecoder  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def renderer() -> NoticeRenderer:
    return NoticeRenderer()


def _landed(cups, job_id: int, timeout: float = 30.0) -> Path:
    """The PDF cups-pdf wrote for this job (its name ends in job_<id>…)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [p for p in cups.out.rglob("*.pdf") if f"job_{job_id}" in p.name]
        if found and found[0].stat().st_size > 0:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} produced no PDF in {cups.out}")


def _count_outputs(cups) -> int:
    return len(list(cups.out.rglob("*.pdf")))


def test_notice_prints_and_its_text_and_qr_survive(cups, renderer: NoticeRenderer, tmp_path: Path) -> None:
    need_poppler()
    notice = sample_notice()
    printer = CupsPrinter(PDF_QUEUE, server=cups.socket)
    job = printer.submit(renderer.render(notice), "低保审核结果告知书")
    outcome = printer.follow(job, timeout_s=60)
    assert (outcome.state, outcome.message) == ("completed", "打印完成")
    landed = _landed(cups, job.job_id)
    text = text_of(landed)
    # cups-pdf goes PDF -> PostScript -> PDF (Ghostscript); the Chinese text survives that trip
    # with its Unicode names, some digits do not (their text, and the whole page's identity, are
    # in the verification QR below; the PDF we send extracts exactly: see test_render).
    for expected in ("关于最低生活保障申请审核结果的告知书", "张三同志", "现将结果告知如下",
                     "特此告知", "浑南区五三街道办事处"):
        assert expected in text, expected
    [page] = pages_as_images(landed, 150, tmp_path / "png")
    texts = {s.text for s in EnsembleDecoder().decode(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY))}
    assert f"KIOSK-VERIFY:{notice.doc_id}:1/1:{notice.digest()}" in texts
    assert notice.lookup_qr in texts


def test_missing_printer_is_refused_before_anything_is_sent(cups, renderer: NoticeRenderer) -> None:
    before = _count_outputs(cups)
    with pytest.raises(PrinterNotFound, match="找不到打印机“没有这台”"):
        CupsPrinter("没有这台", server=cups.socket).submit(renderer.render(sample_notice()), "x")
    assert _count_outputs(cups) == before


def test_not_a_pdf_is_refused(cups) -> None:
    with pytest.raises(PrintError, match="不是 PDF"):
        CupsPrinter(PDF_QUEUE, server=cups.socket).submit(b"hello", "x")


def _certificate(renderer: NoticeRenderer) -> bytes:
    return renderer.render(Notice(issuer="浑南区民政局", title="最低生活保障证", doc_id="CERT-2026-0007",
                                  paragraphs=["持证人：张三。保障人口：3人。有效期至2027年11月30日。"],
                                  date="2026年11月28日"))


def test_certificate_prints_only_with_a_good_signature(cups, renderer: NoticeRenderer) -> None:
    need_poppler()
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    pdf = _certificate(renderer)
    signature = key.sign(pdf)

    def verify(document: bytes) -> bool:
        try:
            public.verify(signature, document)
            return True
        except InvalidSignature:
            return False

    printer = CupsPrinter(PDF_QUEUE, server=cups.socket)
    before = _count_outputs(cups)
    middle = len(pdf) // 2
    tampered = pdf[:middle] + bytes([pdf[middle] ^ 0x01]) + pdf[middle + 1:]  # one bit changed
    with pytest.raises(NotVerified, match="签名校验未通过"):
        print_certificate(tampered, verify, printer)

    def broken(document: bytes) -> bool:
        raise ValueError("key file missing")

    with pytest.raises(NotVerified):
        print_certificate(pdf, broken, printer)
    with pytest.raises(NotVerified, match="不是有效的 PDF"):
        print_certificate(b"GIF89a", lambda d: True, printer)
    time.sleep(0.5)
    assert _count_outputs(cups) == before  # nothing reached the printer

    job = print_certificate(pdf, verify, printer, title="最低生活保障证")
    assert printer.follow(job, timeout_s=60).done
    assert "最低生活保障证" in text_of(_landed(cups, job.job_id))


def test_offline_printer_is_reported_in_chinese(cups, renderer: NoticeRenderer) -> None:
    printer = CupsPrinter(OFFLINE_QUEUE, server=cups.socket)
    job = printer.submit(renderer.render(sample_notice()), "离线测试")
    outcome = printer.follow(job, timeout_s=60, poll_s=0.2, stuck_after_s=1, quiet_after_s=1)
    printer.cancel(job)
    assert outcome.state == "stuck"
    assert outcome.message.startswith("打印未完成")
    assert printer.job_state(job)[0] == "canceled"


def test_paused_printer_is_reported(cups, renderer: NoticeRenderer) -> None:
    subprocess.run(["cupsdisable", PDF_QUEUE], env=cups.env(), check=True, timeout=30)
    try:
        printer = CupsPrinter(PDF_QUEUE, server=cups.socket)
        job = printer.submit(renderer.render(sample_notice()), "暂停测试")
        outcome = printer.follow(job, timeout_s=60, poll_s=0.2, stuck_after_s=0.5)
        printer.cancel(job)
    finally:
        subprocess.run(["cupsenable", PDF_QUEUE], env=cups.env(), check=True, timeout=30)
    assert outcome.state == "stuck"
    assert "打印机已暂停" in outcome.message


def test_diag_a4_command(cups) -> None:
    env = cups.env()
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "diag", "a4", "--printer", PDF_QUEUE,
                             "--sample", "receipt", "--server", cups.socket],
                            capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout)
    assert line["state"] == "completed" and line["printer"] == PDF_QUEUE
    _landed(cups, line["job_id"])
    missing = subprocess.run([sys.executable, str(ROOT / "main.py"), "diag", "a4", "--printer", "nope",
                              "--server", cups.socket],
                             capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=ROOT, env=env)
    assert missing.returncode == 3 and "找不到打印机" in missing.stderr and "Traceback" not in missing.stderr

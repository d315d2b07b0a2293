"""Rendered notices: text extractable, QR codes readable, red heading, golden page image."""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from a4_pdftools import need_poppler, pages_as_images, text_of  # noqa: E402

from devices.printer.a4.render import Notice, NoticeRenderer, _wrap  # noqa: E402
from devices.printer.a4.samples import sample_notice, sample_receipt  # noqa: E402
from devices.scanner import EnsembleDecoder  # noqa: E402

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def renderer() -> NoticeRenderer:
    return NoticeRenderer()


def _render(renderer: NoticeRenderer, notice: Notice, tmp_path: Path) -> Path:
    path = tmp_path / "notice.pdf"
    path.write_bytes(renderer.render(notice))
    return path


def test_notice_text_and_qr_codes(renderer: NoticeRenderer, tmp_path: Path) -> None:
    need_poppler()
    notice = sample_notice()
    pdf = _render(renderer, notice, tmp_path)
    text = text_of(pdf)
    for expected in ("沈阳市浑南区五三街道办事处", "关于最低生活保障申请审核结果的告知书", "张三同志",
                     "五三便民告〔2026〕18号", "特此告知", "2026年11月28日"):
        assert expected in text, expected
    [page] = pages_as_images(pdf, 150, tmp_path / "png")
    texts = {s.text for s in EnsembleDecoder().decode(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY))}
    assert notice.lookup_qr in texts
    assert f"KIOSK-VERIFY:{notice.doc_id}:1/1:{notice.digest()}" in texts


def test_red_heading_and_seal_are_red(renderer: NoticeRenderer, tmp_path: Path) -> None:
    need_poppler()
    [page] = pages_as_images(_render(renderer, sample_notice(), tmp_path), 50, tmp_path / "png")
    b, g, r = (page[:, :, i].astype(int) for i in range(3))
    red = (r > 150) & (g < 110) & (b < 110)
    h = page.shape[0]
    assert red[: h // 5].sum() > 300          # heading and rule in the top fifth
    assert red[int(h * 0.6): int(h * 0.9)].sum() > 300  # the seal near the signature


def test_every_page_has_its_verification_qr(renderer: NoticeRenderer, tmp_path: Path) -> None:
    need_poppler()
    long = Notice(issuer="某某镇人民政府", title="关于某某事项的通知", doc_id="T-LONG-1",
                  paragraphs=["这是一段很长的正文，用来把内容排到第二页和第三页。" * 12] * 6,
                  date="2026年1月1日")
    pages = pages_as_images(_render(renderer, long, tmp_path), 150, tmp_path / "png")
    assert len(pages) >= 2
    decoder = EnsembleDecoder()
    for number, page in enumerate(pages, start=1):
        texts = {s.text for s in decoder.decode(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY))}
        assert f"KIOSK-VERIFY:T-LONG-1:{number}/{len(pages)}:{long.digest()}" in texts


def test_receipt_table(renderer: NoticeRenderer, tmp_path: Path) -> None:
    need_poppler()
    text = text_of(_render(renderer, sample_receipt(), tmp_path))
    for expected in ("政务服务事项受理回执", "受理编号", "LN-2101-20261120-0042", "承诺时限", "20个工作日"):
        assert expected in text, expected


def test_golden_page(renderer: NoticeRenderer, tmp_path: Path) -> None:
    """The sample notice looks as it did when a person last checked it (tests/a4/golden/)."""
    need_poppler()
    [page] = pages_as_images(_render(renderer, sample_notice(), tmp_path), 40, tmp_path / "png")
    gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    golden_path = GOLDEN / "notice-p1.png"
    golden = cv2.imread(str(golden_path), cv2.IMREAD_GRAYSCALE)
    assert golden is not None, f"缺少 {golden_path}"
    assert golden.shape == gray.shape
    soft = cv2.GaussianBlur(gray, (3, 3), 0).astype(int)
    diff = np.abs(soft - cv2.GaussianBlur(golden, (3, 3), 0).astype(int))
    cv2.imwrite(str(tmp_path / "diff.png"), (diff * 4).clip(0, 255).astype(np.uint8))
    assert diff.mean() < 2.0, f"page differs from golden: see {tmp_path}"


def test_wrap_keeps_punctuation_rules() -> None:
    class Fixed:  # every character one unit wide
        @staticmethod
        def horizontalAdvance(text: str) -> float:
            return float(len(text))

    lines = _wrap("一二三四，五六七八（九十）", Fixed(), 4)
    assert all(not line.startswith(("，", "）")) for line in lines)
    assert all(not line.endswith("（") for line in lines)
    assert "".join(lines) == "一二三四，五六七八（九十）"
    assert _wrap("编号LN-2101-0042号", Fixed(), 8) == ["编号", "LN-2101-", "0042号"] or \
        all(len(line) <= 9 for line in _wrap("编号LN-2101-0042号", Fixed(), 8))

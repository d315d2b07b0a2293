"""The CJK font has every glyph we show, and every screen renders to a real picture."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QFont, QFontInfo, QFontMetrics, QImage

from kiosk.station.config import defaults
from kiosk.ui.app import FONT_FAMILY
from kiosk.ui.navigation import SCREENS
from kiosk.ui.screenshots import screenshot_ids, write_screenshots

SAMPLE = "政务服务驿站请放置身份证喆堃昇淼·欧阳娜仁·其其格" + "一二三四五六七八九十"


def test_chinese_sample_text_has_no_missing_glyphs(qapp):
    font = QFont(FONT_FAMILY, 28)
    assert QFontInfo(font).family() == FONT_FAMILY, "the CJK font is not installed (fonts-noto-cjk)"
    metrics = QFontMetrics(font)
    missing = [ch for ch in SAMPLE if not metrics.inFontUcs4(ord(ch))]
    assert not missing, f"glyphs missing: {missing}"


def test_the_font_check_can_fail(qapp):
    metrics = QFontMetrics(QFont(FONT_FAMILY, 28))
    assert not metrics.inFontUcs4(0x10FFFD)   # a private-use code point no font draws


@pytest.mark.parametrize(("size", "large"), [((1080, 1920), False), ((1920, 1080), False),
                                             ((1080, 1920), True)])
def test_screenshots_of_every_screen(qapp, tmp_path, size, large):
    written = write_screenshots(defaults(), tmp_path, size=size, large_text=large)
    assert len(written) == len(screenshot_ids()) > len(SCREENS)
    for path in written:
        image = QImage(str(path))
        assert (image.width(), image.height()) == size, path.name
        pixels = np.frombuffer(image.convertToFormat(QImage.Format.Format_Grayscale8).constBits(),
                               dtype=np.uint8)
        assert pixels.std() > 20, f"{path.name} looks blank"

"""`catalogue preview`: a bundle — published or still a workbook — drawn as the resident sees it."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from PySide6.QtGui import QImage

import main
from forms.workbook import export, open_bundle
from kiosk.station.config import defaults
from kiosk.ui.preview import preview_names, preview_sample, write_preview
from tests.plain_chinese import assert_plain_chinese


def _screens(written: list[Path], suffix: str) -> list[str]:
    """The screen names of the files, without the extra pages of long screens."""
    names = [p.name.removesuffix(f"-{suffix}.png") for p in written]
    assert all(p.name.endswith(f"-{suffix}.png") for p in written)
    return [n for n in names if not re.search(r"-p\d+$", n)]


def _assert_pictures(written: list[Path], size: tuple[int, int]) -> None:
    for path in written:
        image = QImage(str(path))
        assert (image.width(), image.height()) == size, path.name
        pixels = np.frombuffer(image.convertToFormat(QImage.Format.Format_Grayscale8).constBits(),
                               dtype=np.uint8)
        assert pixels.std() > 20, f"{path.name} looks blank"


def test_a_workbook_not_yet_published_is_previewed_screen_by_screen(qapp, tmp_path: Path) -> None:
    """A question added in the workbook only (not in the shipped catalogue) gets its own picture:
    the preview shows the workbook, not the published bundle."""
    book = tmp_path / "disability_subsidies.xlsx"
    export("disability_subsidies", book)
    workbook = openpyxl.load_workbook(book)
    questions = workbook["问题"]
    page = questions["A3"].value
    questions.insert_rows(4)
    questions["A4"], questions["B4"], questions["C4"] = page, "preview_extra_note", "文字"
    questions["D4"], questions["F4"] = "还有什么想告诉工作人员的（预览测试）", "否"
    workbook.save(book)

    opened = open_bundle(str(book))
    written = write_preview(defaults(), opened, tmp_path / "out")
    expected = preview_names(opened.catalogue.bundle(opened.bundle_id), preview_sample(opened))
    assert _screens(written, "1080x1920") == expected
    assert "03-question-preview_extra_note" in expected
    assert expected[0] == "00-intro"
    assert expected[-2].endswith("-materials") and expected[-1].endswith("-review")
    assert any(re.search(r"-review-p\d+-", p.name) for p in written), "a long 核对 is shown to its end"
    _assert_pictures(written, (1080, 1920))


def test_a_shipped_bundle_in_landscape_and_large_text(qapp, tmp_path: Path) -> None:
    opened = open_bundle("senior_allowance")          # with the 逢办必查 notice, which preview passes by
    written = write_preview(defaults(), opened, tmp_path, size=(1920, 1080), large_text=True)
    expected = preview_names(opened.catalogue.bundle("senior_allowance"), preview_sample(opened))
    assert _screens(written, "1920x1080-large") == expected
    _assert_pictures(written, (1920, 1080))


@pytest.mark.parametrize(("argument", "code", "said"), [
    ("nosuch", 2, "事项目录中没有“nosuch”这件事"),
    ("broken.xlsx", 1, "「问题」表第 3 行「类型」列"),
    ("missing.xlsx", 2, "找不到工作簿"),
])
def test_what_cannot_be_previewed_is_said_in_one_sentence(capsys, tmp_path: Path, argument: str, code: int,
                                                          said: str) -> None:
    if argument == "broken.xlsx":
        export("newborn", tmp_path / argument)
        workbook = openpyxl.load_workbook(tmp_path / argument)
        workbook["问题"]["C3"] = "文本"
        workbook.save(tmp_path / argument)
    target = str(tmp_path / argument) if argument.endswith(".xlsx") else argument
    assert main.main(["catalogue", "preview", target, "--out", str(tmp_path / "out")]) == code
    err = capsys.readouterr().err
    assert said in err
    assert_plain_chinese(err, lines=None if code == 1 else 1)
    assert not (tmp_path / "out").exists()

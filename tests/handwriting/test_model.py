"""Ink checks, and the template model compiled from the npm stroke data."""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

from devices.handwriting.ink import Ink, InkError, normalise, resample
from devices.handwriting.model_build import Synthesiser, parse_decompositions
from devices.handwriting.modelfile import MODEL_VERSION, read_meta
from devices.handwriting.recogniser import default_model_path

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("strokes", "width", "message"), [
    ("abc", 100, "列表"),
    ([[[1, math.nan]]], 100, "第 1 笔"),
    ([[[1, 2]], [[True, 2]]], 100, "第 2 笔"),
    ([[[1, 2]]] * 65, 100, "笔画太多"),
    ([[[1, 2]]], -5, "正数"),
])
def test_ink_refuses_in_chinese(strokes, width, message):
    with pytest.raises(InkError, match=message):
        Ink.of(strokes, width, 100)


def test_ink_drops_empty_strokes_and_round_trips():
    ink = Ink.of([[], [[1, 2], [3, 4.5]]], 300, 200)
    assert ink.strokes == (((1.0, 2.0), (3.0, 4.5)),)
    assert Ink.from_json(ink.to_json()) == ink


def test_normalise_and_resample():
    unit = normalise([np.array([[100.0, 50.0], [300.0, 50.0]]), np.array([[200.0, 0.0], [200.0, 100.0]])])
    points = np.concatenate(unit)
    assert points[:, 0].min() == pytest.approx(0) and points[:, 0].max() == pytest.approx(1)
    assert points[:, 1].min() == pytest.approx(0.25) and points[:, 1].max() == pytest.approx(0.75)
    line = resample(np.array([[0.0, 0.0], [0.1, 0.0], [1.0, 0.0]]), 5)
    assert np.allclose(line[:, 0], [0, 0.25, 0.5, 0.75, 1])


def test_installed_model_is_current_and_covers_rare_names():
    path = default_model_path()
    meta = read_meta(path)
    assert meta and meta["version"] == MODEL_VERSION
    for char in "翀瑀赟弢珺玥璟":
        assert char in meta["synthesised"]
    check = subprocess.run([sys.executable, "-m", "devices.handwriting.model_build", "--check", str(path)],
                           cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    missing = subprocess.run([sys.executable, "-m", "devices.handwriting.model_build", "--check",
                              str(path.with_name("absent.npz"))], cwd=ROOT, capture_output=True)
    assert missing.returncode == 1


def test_synthesised_template_takes_parts_from_real_characters(stroke_source):
    decomp = parse_decompositions("翀:a(羽,中)\n琳:a(王,林)\n珺:a(王,君)\n")
    synth = Synthesiser(stroke_source.strokes, decomp)
    made = synth.make("珺")
    assert made is not None
    assert len(made) == len(stroke_source.strokes["王"]) + len(stroke_source.strokes["君"])
    # 王 on the left is 琳's own first four strokes: the shape it has as a side.
    assert all(np.array_equal(a, b) for a, b in zip(made[:4], stroke_source.strokes["琳"][:4], strict=True))
    right = np.concatenate(made[4:])
    assert right[:, 0].min() > np.concatenate(made[:4])[:, 0].mean()
    assert Synthesiser(stroke_source.strokes, decomp).make("無") is None


def test_builder_refuses_a_wrong_package_in_chinese(tmp_path):
    fake = tmp_path / "fake.tgz"
    with tarfile.open(fake, "w:gz") as archive:
        data = json.dumps({"medians": [[[0, 0], [1, 1]]]}).encode()
        info = tarfile.TarInfo("package/一.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    result = subprocess.run([sys.executable, "-m", "devices.handwriting.model_build", "--hanzi-writer-data",
                             str(fake), "--hanzi", str(fake), "--out", str(tmp_path / "m.npz")],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and "不是 hanzi-writer-data" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "m.npz").exists()

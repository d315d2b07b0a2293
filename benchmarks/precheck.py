"""智能预审 benchmark: our pre-check against rapidocr with a plain keyword rule, in the same run.

The photo set is generated (devices/precheck/synthetic.py): every document type in several layouts,
made-up people (about 15 % with a rare name character), photographed with perspective, uneven and
dim light, glare, blur, fingers and JPEG; about 12 % of the photos are spoiled on purpose. Wrong
papers are in it twice: the `other` type (notices, receipts, blank sheets) and, for the mismatch
rates, expectations of a different person.

Each photo is flattened once by the capture room's paper finder; both engines read that page.
- ours: `Prechecker.check(...)`, the product code;
- baseline: `RapidOCR()` as shipped (detector at 736 px, direction classifier on), the type from
  the first title keyword, the ID number as the first valid one on the page, the name as the text
  after the first 姓名/持证人/经营者 label, a mismatch as plain string inequality.

Figures: doc-type accuracy (all photos); exact main name and main ID number (photos of types that
carry them, where the photograph did not cover that field); with the right expectations, the share
of photos without a false mismatch; with a wrong name or ID number, the share caught; ms per photo
(median and 90th percentile, page flattening excluded for both). Run it when `uptime` is low:

    .venv/bin/python benchmarks/precheck.py [--n 320] [--seed 2024] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from devices.precheck.checker import Expectation, ExpectedPerson, open_precheck  # noqa: E402
from devices.precheck.page import flatten_paper  # noqa: E402
from devices.precheck.people import make_name, other_person_like  # noqa: E402
from devices.precheck.synthetic import DOC_TYPES, sample  # noqa: E402
from forms.validators import check_id_number  # noqa: E402

MIX = {
    "hukou": 0.17,
    "birth_cert": 0.15,
    "marriage_cert": 0.12,
    "id_card_front": 0.1,
    "id_card_back": 0.08,
    "disability_cert": 0.12,
    "business_license": 0.12,
    "other": 0.14,
}

BASELINE_TITLES = (
    ("常住人口登记卡", "hukou"),
    ("户口簿", "hukou"),
    ("出生医学证明", "birth_cert"),
    ("结婚证", "marriage_cert"),
    ("残疾人证", "disability_cert"),
    ("营业执照", "business_license"),
    ("签发机关", "id_card_back"),
    ("有效期限", "id_card_back"),
    ("公民身份号码", "id_card_front"),
)
ID_RE = re.compile(r"[0-9]{17}[0-9Xx]")


def baseline_read(ocr, page: np.ndarray) -> dict:  # noqa: ANN001 - RapidOCR
    result, _ = ocr(page)
    texts = [r[1] for r in (result or [])]
    joined = "".join(texts).replace(" ", "")
    doc_type = next((t for key, t in BASELINE_TITLES if key in joined), "other")
    id_number = next(
        (m.group().upper() for m in ID_RE.finditer(joined) if check_id_number(m.group().upper()) is None),
        None,
    )
    name = None
    for i, text in enumerate(texts):
        t = text.replace(" ", "")
        for label in ("姓名", "持证人", "经营者", "法定代表人"):
            k = t.find(label)
            if k >= 0:
                rest = t[k + len(label) :].lstrip(":：") or (
                    texts[i + 1].replace(" ", "") if i + 1 < len(texts) else ""
                )
                m = re.match(r"[\u4e00-\u9fff·]{2,5}", rest)
                name = m.group() if m else None
                break
        if name:
            break
    return {"doc_type": doc_type, "name": name, "id_number": id_number}


def baseline_mismatch(read: dict, name: str | None, id_number: str | None) -> bool | None:
    compared = []
    if name and read["name"]:
        compared.append(read["name"] != name)
    if id_number and read["id_number"]:
        compared.append(read["id_number"] != id_number)
    return any(compared) if compared else None


@dataclass
class Tally:
    n: int = 0
    type_ok: int = 0
    name_n: int = 0
    name_ok: int = 0
    id_n: int = 0
    id_ok: int = 0
    right_n: int = 0
    right_no_false: int = 0
    right_confirmed: int = 0
    wrong_n: int = 0
    wrong_caught: int = 0
    spoiled_n: int = 0
    spoiled_told: int = 0
    spoiled_false_alarm: int = 0
    ms: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def pct(self, a: int, b: int) -> str:
        return f"{100.0 * a / b:.1f} %" if b else "–"

    def add(self, photo: dict, got: dict) -> None:
        """One photo's outcome (`photo`: what the photo holds; `got`: what one engine made of it)."""
        self.n += 1
        self.type_ok += got["doc_type"] == photo["doc_type"]
        if photo["has_name"] and not photo["name_spoiled"]:
            self.name_n += 1
            self.name_ok += got["name_ok"]
        if photo["has_id"] and not photo["id_spoiled"]:
            self.id_n += 1
            self.id_ok += got["id_ok"]
        if (photo["has_name"] or photo["has_id"]) and not photo["spoiled"]:
            self.right_n += 1
            self.right_no_false += got["right"] is not True
            self.right_confirmed += got["right"] is False
            self.wrong_n += 1
            self.wrong_caught += got["wrong"] is True
        if photo["spoiled"]:
            self.spoiled_n += 1
            self.spoiled_false_alarm += got["right"] is True
            self.spoiled_told += bool(got["told"])
        self.ms.append(got["ms"])
        self.cpu.append(got["cpu"])


def main_person(truth) -> tuple[str | None, str | None]:  # noqa: ANN001
    return truth.fields.get("name"), truth.fields.get("id_number")


def wrong_expectation(rng: np.random.Generator, name: str | None, id_number: str | None, truth, k: int):  # noqa: ANN001
    """Another person (both differ), a wrong name only (a relative: same surname), or a wrong ID only."""
    anyone = next(iter(truth.people.values()))
    other = other_person_like(rng, anyone)
    variant = k % 3
    if variant == 0 or not (name and id_number):
        return (other.name if name else None), (other.id_number if id_number else None)
    if variant == 1:
        wrong = make_name(rng, rare=0.0, surname=name[0])
        while wrong == name:
            wrong = make_name(rng, rare=0.0, surname=name[0])
        return wrong, id_number
    return name, other.id_number


def run(
    n: int,
    seed: int,
    threads: int,
    verbose: bool = False,
    shard: tuple[int, int] = (0, 1),
    records: Path | None = None,
) -> dict:
    """Read the photos of this shard (every `shard[1]`-th from `shard[0]`; all photos are generated
    in order, so the set does not depend on the sharding) with both engines. One record per photo
    is appended to `records` as it is done, so shards run as separate processes and merge later."""
    from rapidocr_onnxruntime import RapidOCR

    rng = np.random.default_rng(seed)
    types = list(MIX)
    weights = np.array([MIX[t] for t in types])
    plan = rng.choice(types, size=n, p=weights / weights.sum())
    checker = open_precheck(threads=threads)
    t0 = time.perf_counter()
    checker.warm_up()
    load_ms = (time.perf_counter() - t0) * 1000
    base = RapidOCR(intra_op_num_threads=threads)
    out = records.open("a", encoding="utf-8") if records else None
    photos: list[tuple[dict, dict, dict]] = []
    for k, doc_type in enumerate(plan):
        frame, truth, shot = sample(rng, str(doc_type))
        name, id_number = main_person(truth)
        wrong_name, wrong_id = wrong_expectation(rng, name, id_number, truth, k)
        if k % shard[1] != shard[0]:
            continue
        page, _ = flatten_paper(frame)
        spoiled = shot.spoiled
        photo = {
            "k": k,
            "doc_type": truth.doc_type,
            "has_name": bool(name),
            "has_id": bool(id_number),
            "name_spoiled": "name" in spoiled,
            "id_spoiled": "id_number" in spoiled,
            "spoiled": bool(spoiled),
        }
        # ours, three times: no expectation (type, fields, speed), right, wrong
        t, c = time.perf_counter(), time.process_time()
        reading = checker.read(page)
        plain = checker.judge(reading)
        ms, cpu = (time.perf_counter() - t) * 1000, time.process_time() - c
        # the same reading judged against the right and a wrong person (judging is ~1 ms)
        right = checker.judge(reading, Expectation(doc_type, (ExpectedPerson("main", name, id_number),)))
        wrong = checker.judge(reading, Expectation(doc_type, (ExpectedPerson("main", wrong_name, wrong_id),)))
        ours = {
            "doc_type": plain.doc_type,
            "name_ok": plain.fields.get("name") == name,
            "id_ok": plain.fields.get("id_number") == id_number,
            "right": right.mismatch,
            "wrong": wrong.mismatch,
            "told": bool(right.findings),
            "ms": ms,
            "cpu": cpu,
        }
        t, c = time.perf_counter(), time.process_time()
        b = baseline_read(base, page)
        ms, cpu = (time.perf_counter() - t) * 1000, time.process_time() - c
        theirs = {
            "doc_type": b["doc_type"],
            "name_ok": b["name"] == name,
            "id_ok": b["id_number"] == id_number,
            "right": baseline_mismatch(b, name, id_number),
            "wrong": baseline_mismatch(b, wrong_name, wrong_id),
            "told": None,
            "ms": ms,
            "cpu": cpu,
        }
        photos.append((photo, ours, theirs))
        if out:
            out.write(
                json.dumps({"photo": photo, "ours": ours, "baseline": theirs}, ensure_ascii=False) + "\n"
            )
            out.flush()
        if verbose and (
            plain.doc_type != truth.doc_type
            or (name and plain.fields.get("name") != name and "name" not in spoiled)
            or (id_number and plain.fields.get("id_number") != id_number and "id_number" not in spoiled)
            or right.mismatch is True
            or (wrong.mismatch is not True and not spoiled and (name or id_number))
        ):
            print(
                f"#{k} {truth.doc_type}/{truth.layout} → {plain.doc_type} "
                f"name {name}→{plain.fields.get('name')} "
                f"id {id_number}→{plain.fields.get('id_number')} right={right.mismatch} "
                f"wrong({wrong_name},{wrong_id})={wrong.mismatch} spoiled={sorted(spoiled)} "
                f"findings={right.findings}",
                file=sys.stderr,
            )
    if out:
        out.close()
    return tally({"n": n, "seed": seed, "threads": threads, "load_ms": round(load_ms)}, photos)


def tally(result: dict, photos: list[tuple[dict, dict, dict]]) -> dict:
    ours, theirs = Tally(), Tally()
    for photo, o, b in sorted(photos, key=lambda p: p[0]["k"]):
        ours.add(photo, o)
        theirs.add(photo, b)
    return {**result, "n": len(photos), "ours": ours, "baseline": theirs}


def table(result: dict) -> str:
    o, b = result["ours"], result["baseline"]
    rows = [
        ("doc type accuracy", o.pct(o.type_ok, o.n), b.pct(b.type_ok, b.n), "≥ 98 %"),
        ("main ID number exact", o.pct(o.id_ok, o.id_n), b.pct(b.id_ok, b.id_n), "≥ 97 %"),
        ("main name exact", o.pct(o.name_ok, o.name_n), b.pct(b.name_ok, b.name_n), "≥ 85 %"),
        (
            "right expectations: no false mismatch",
            o.pct(o.right_no_false, o.right_n),
            b.pct(b.right_no_false, b.right_n),
            "≥ 97 %",
        ),
        (
            "right expectations: confirmed (false)",
            o.pct(o.right_confirmed, o.right_n),
            b.pct(b.right_confirmed, b.right_n),
            "",
        ),
        (
            "wrong name or ID: mismatch caught",
            o.pct(o.wrong_caught, o.wrong_n),
            b.pct(b.wrong_caught, b.wrong_n),
            "≥ 97 %",
        ),
        ("spoiled photos: a finding given", o.pct(o.spoiled_told, o.spoiled_n), "–", ""),
        (
            "spoiled photos: false mismatch",
            o.pct(o.spoiled_false_alarm, o.spoiled_n),
            b.pct(b.spoiled_false_alarm, b.spoiled_n),
            "",
        ),
        (
            "ms per photo, median",
            f"{statistics.median(o.ms):.0f}",
            f"{statistics.median(b.ms):.0f}",
            "≤ 1000",
        ),
        (
            "ms per photo, 90th percentile",
            f"{np.percentile(o.ms, 90):.0f}",
            f"{np.percentile(b.ms, 90):.0f}",
            "",
        ),
        (
            "CPU s per photo, median (process time: fair under load)",
            f"{statistics.median(o.cpu):.2f}",
            f"{statistics.median(b.cpu):.2f}",
            "",
        ),
        ("CPU s per photo, mean", f"{statistics.mean(o.cpu):.2f}", f"{statistics.mean(b.cpu):.2f}", ""),
    ]
    ratio = statistics.median(o.ms) / statistics.median(b.ms)
    cpu_ratio = statistics.median(o.cpu) / statistics.median(b.cpu)
    lines = [
        f"photos: {result['n']} (seed {result['seed']}), onnxruntime threads: {result['threads']}, "
        f"first-use model load: {result['load_ms']} ms, load average: {result.get('load', '?')}",
        "",
        "| figure | ours | rapidocr + keywords | target |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {a} | {x} | {y} | {z} |" for a, x, y, z in rows]
    lines += [
        "",
        f"median time ratio ours / baseline: {ratio:.2f} wall, {cpu_ratio:.2f} CPU; "
        f"samples: name {o.name_n}, ID {o.id_n}, "
        f"mismatch pairs {o.right_n}, spoiled {o.spoiled_n}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=320)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--verbose", action="store_true", help="print every miss on stderr")
    parser.add_argument("--shard", default="0/1", help="i/m: read only photos k with k %% m == i")
    parser.add_argument("--records", type=Path, help="append one JSON line per photo here")
    parser.add_argument("--merge", type=Path, nargs="+", help="only tabulate these records files")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    if args.merge:
        photos = []
        for path in args.merge:
            for line in path.read_text(encoding="utf-8").splitlines():
                r = json.loads(line)
                photos.append((r["photo"], r["ours"], r["baseline"]))
        result = tally({"seed": args.seed, "threads": args.threads, "load_ms": "?"}, photos)
        result["load"] = "see the records' runs"
        print(table(result))
        return 0
    i, m = (int(x) for x in args.shard.split("/"))
    result = run(args.n, args.seed, args.threads, args.verbose, (i, m), args.records)
    end = os.getloadavg()
    result["load"] = f"{load[0]:.1f} at start, {end[0]:.1f} at end (15-min {end[2]:.1f})"
    print(table(result))
    if args.json:
        o, b = result["ours"], result["baseline"]
        args.json.write_text(
            json.dumps(
                {
                    "n": result["n"],
                    "seed": result["seed"],
                    "load": result["load"],
                    "ours_ms": o.ms,
                    "baseline_ms": b.ms,
                    "ours_cpu_s": o.cpu,
                    "baseline_cpu_s": b.cpu,
                },
                indent=1,
            )
        )
    assert set(MIX) == set(DOC_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main())

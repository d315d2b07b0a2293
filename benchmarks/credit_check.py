"""逢办必查 at scale: how long the kiosk's credit check takes against a list of 10k / 100k / 1M
entries (the platform's real list holds ~1.7 million), against an in-memory dict lookup.

What is measured, per list size, in one run on this machine:
- parse: `json.loads` + `CreditList.from_document` of the whole document, i.e. what a check would
  cost if the kiosk parsed the stored list each time (why the list is indexed instead);
- build: `Store.save_credit_list` (the index built aside in chunks and switched in; done once per
  downloaded version, on the delivery worker's thread), and the index's size on disk per entry;
- lookup: one check as the kiosk makes it, `CreditList.digest` + `Store.credit_entry` (a primary-key
  lookup in the real SQLite file), median and p95 in µs over hits and misses;
- baseline: `CreditList.hit` on the list already parsed in memory (a dict lookup plus the same hash).
The ratio is lookup ÷ baseline (both include the sha256).

Run:  python benchmarks/credit_check.py [--sizes 10000,100000,1000000] [--lookups 2000]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forms.credit import CreditList, parse_document  # noqa: E402
from sync.store import Store  # noqa: E402

SALT = "benchmark-salt"
REASONS = [("dishonest_judgment_debtor", "失信被执行人", ["限制申领补贴"]),
           ("market", "严重违法失信主体", ["限制市场准入"]),
           ("tax", "重大税收违法失信主体", [])]


def person(n: int) -> str:
    return f"21{n:015d}X"


def document(size: int) -> tuple[bytes, list[str]]:
    ids = [person(n) for n in range(size)]
    entries = []
    for n, id_number in enumerate(ids):
        kind, reason, measures = REASONS[n % len(REASONS)]
        entries.append({"hash": CreditList.digest(SALT, id_number), "list": kind, "reason": reason,
                        "measures": measures, "since": "2025-03-01"})
    doc = {"version": f"2026.11.{size}", "salt": SALT, "entries": entries}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode(), ids


def timed_each(fn, args: list) -> list[float]:  # noqa: ANN001
    out = []
    for arg in args:
        start = time.perf_counter_ns()
        fn(arg)
        out.append((time.perf_counter_ns() - start) / 1e3)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def measure(size: int, lookups: int, rng: random.Random) -> dict:
    payload, ids = document(size)
    start = time.perf_counter()
    in_memory = CreditList.from_document(json.loads(payload))
    parse_s = time.perf_counter() - start

    with tempfile.TemporaryDirectory(prefix="credit-bench-") as tmp:
        store = Store.open(Path(tmp) / "data", Path(tmp) / "keys")
        holds: list[float] = []
        real_tx = store._tx  # noqa: SLF001 - how long each write transaction holds the store

        @contextlib.contextmanager
        def timed_tx(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            begun = time.perf_counter()
            with real_tx(*args, **kwargs) as conn:
                yield conn
            holds.append((time.perf_counter() - begun) * 1e3)

        store._tx = timed_tx  # noqa: SLF001
        start = time.perf_counter()
        version, salt, entries = parse_document(json.loads(payload))
        store.save_credit_list(version, salt, entries, document=(None, payload, "benchmark"))
        build_s = time.perf_counter() - start
        first_hold, holds[:] = max(holds), []
        # a newer version of the same size replaces it (the old index is dropped in the switch)
        version, salt, entries = parse_document(json.loads(payload))
        store.save_credit_list(version + ".1", salt, entries, document=(None, payload, "benchmark"))
        replace_hold = max(holds)
        store._tx = real_tx  # noqa: SLF001
        store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # noqa: SLF001 - measure the file
        pages = store._query("SELECT SUM(pgsize) AS b FROM dbstat WHERE name LIKE 'credit_%'")  # noqa: SLF001
        index_bytes = pages[0]["b"] if pages and pages[0]["b"] else 0

        # half the people are on the list, half are not
        probe = [rng.choice(ids) for _ in range(lookups // 2)] + \
                [f"22{n:015d}X" for n in rng.sample(range(10**9), lookups - lookups // 2)]
        rng.shuffle(probe)
        info = store.credit_index_info()

        def check(id_number: str) -> object:
            return store.credit_entry(CreditList.digest(info["salt"], id_number))

        check(probe[0])
        gc.collect()                    # the parsed lists' garbage must not land in one timing
        baseline = timed_each(in_memory.hit, probe)
        indexed = timed_each(check, probe)
        assert sum(check(i) is not None for i in probe) == sum(in_memory.hit(i) is not None for i in probe)
        store.close()
    return {"size": size, "parse_s": parse_s, "build_s": build_s, "hold_ms": first_hold,
            "replace_hold_ms": replace_hold, "bytes_per_entry": index_bytes / size,
            "payload_mb": len(payload) / 1e6, "base_mean": statistics.median(baseline),
            "base_p95": p95(baseline),
            "mean": statistics.median(indexed), "p95": p95(indexed)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="信用名单查询耗时（SQLite 索引与内存字典对比）")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="名单条数，逗号分隔")
    parser.add_argument("--lookups", type=int, default=2000, help="每种规模查询的次数")
    args = parser.parse_args(argv)
    rng = random.Random(20261128)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(f"{'entries':>9} {'list MB':>8} {'parse s':>8} {'build s':>8} {'hold ms':>8} {'repl ms':>8} "
          f"{'B/entry':>8} "
          f"{'dict med':>8} {'dict p95':>9} {'idx med':>9} {'idx p95':>8} {'ratio':>6} {'vs parse':>9}")
    for size in sizes:
        r = measure(size, args.lookups, rng)
        print(f"{r['size']:>9} {r['payload_mb']:>8.1f} {r['parse_s']:>8.2f} {r['build_s']:>8.2f} "
              f"{r['hold_ms']:>8.0f} {r['replace_hold_ms']:>8.0f} "
              f"{r['bytes_per_entry']:>8.0f} {r['base_mean']:>8.1f} {r['base_p95']:>9.1f} {r['mean']:>9.1f} "
              f"{r['p95']:>8.1f} {r['mean'] / r['base_mean']:>5.1f}x {r['parse_s'] * 1e6 / r['mean']:>8.0f}x",
              flush=True)
    print("parse = json + CreditList of the whole list (what a check would cost without the index); "
          "build = index built (incl. json), once per downloaded version, off the GUI thread; "
          "hold = longest single write transaction of the build (how long the GUI could wait for "
          "the store); repl = the same when a newer list replaces an index of this size; "
          "lookups: median and p95; ratio = indexed lookup ÷ in-memory dict lookup "
          "(both hash the ID number); "
          "vs parse = parse ÷ indexed lookup.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

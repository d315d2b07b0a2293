"""Station reports per second into PostgreSQL through the console's real ingest path, against a
bare psycopg INSERT loop in the same run; and the station list for 12 000 stations.

    python benchmarks/console_ingest.py [--stations 12000] [--reports 6000] [--runs 3]
                                        [--ingest-stations 2000]

A throw-away PostgreSQL (console/pgtemp.py, the tests' starter) with its durable defaults (fsync
on, synchronous_commit on), so every commit costs what it costs in a deployment. The reports are
the fleet simulator's (console/fleetsim.py: built by the station's own builder, signed with each
station's key) and are made before the clock starts: the stations' work is not the console's.
Each row has its own database and runs `--runs` times (each run the next reports of every
station, seq rising, signed just before it), interleaved: run 1 of every row, then run 2, so all
rows meet the same changing load. The table shows the median and the spread; the header the
load average at the start, after each run and at the end: the machine is shared (and the bare
loop is bound by the disk's fsync, which other work slows), so compare the ratios of one run of
the script, not absolute figures.

Rows:
- bare INSERT loop: one psycopg `INSERT` of the report's JSON per report, autocommit (what a
  naive collector does: no signature, no validation, no state). The baseline of the ratio.
- bare executemany: the same rows in one transaction per 500 (the most a batch of plain INSERTs
  can do; shown for scale).
- in-process: `Ingest.accept` (signature, console_api.yaml validation, state and alerts derived,
  report + state + alerts + figures + 差评整改 written, group commit) called by 64 threads per
  process, each process its own Store on the one database (stateless processes side by side).
- HTTP: the same reports posted to `main.py console --db … --workers N --threads 64` (waitress;
  N forked processes on one port), by one lean client process (pre-built signed requests, 128
  keep-alive connections driven by one selector thread) on the same 2 cores; only answers 200
  count. After the server has stopped, the reports in PostgreSQL are counted against the 200s
  ("durability": each one was committed before its answer).

Station list (12 000 stations loaded with fleetsim.load_into): the store's full list query, one
page of 100 with the total, the counts per state, and — when console/web is present — the page
`/stations` over HTTP after a real login. Targets (issue 19): ingest ≥ 2 000 reports/s (10× the
fleet's 200/s) on 2 cores; the station list < 1 s.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from console import fleetsim  # noqa: E402
from console.pgtemp import TempPostgres  # noqa: E402
from sync import fleet_report  # noqa: E402

PATH = "/api/v1/reports"


def make_reports(
    fleet: list[fleetsim.SimStation], count: int, now: float, stations: int
) -> tuple[list[tuple[fleetsim.SimStation, bytes]], list[tuple[fleetsim.SimStation, bytes]]]:
    """(warm, timed) report bodies: each of `stations` online stations' first report (its first
    state, its figures so far: applied before the clock starts), then `count` reports round after
    round (seq rising, a minute apart) — the steady state of a fleet reporting every 60 s."""
    online = fleetsim.reporting(fleet)[:stations]

    def one_round(seq: int) -> list[tuple[fleetsim.SimStation, bytes]]:
        return [
            (station, fleet_report.encode(fleetsim.report(station, seq, now + 60 * (seq - 1))))
            for station in online
        ]

    warm = one_round(1)
    timed: list[tuple[fleetsim.SimStation, bytes]] = []
    seq = 1
    while len(timed) < count:
        seq += 1
        timed += one_round(seq)
    return warm, timed[:count]


def signed(reports: list[tuple[fleetsim.SimStation, bytes]]) -> list[tuple[bytes, dict]]:
    """Each body with its station's signature headers, signed now (X-Timestamp must be within 5
    minutes of the console's clock, so a run is signed just before it starts)."""
    now = time.time()
    return [(body, fleetsim.signed(station, body, now, PATH)) for station, body in reports]


def warm_up(url: str, warm: list[tuple[bytes, dict]]) -> None:
    ingest_processes(url, warm, 1)


def bare_loop(url: str, requests_: list[tuple[bytes, dict]]) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE bare (id BIGSERIAL PRIMARY KEY, station_id TEXT, received_at DOUBLE PRECISION,"
            " body TEXT)"
        )
        start = time.perf_counter()
        for body, headers in requests_:
            conn.execute(
                "INSERT INTO bare (station_id, received_at, body) VALUES (%s, %s, %s)",
                (headers["X-Station-Id"], time.time(), body.decode()),
            )
        return len(requests_) / (time.perf_counter() - start)


def bare_many(url: str, requests_: list[tuple[bytes, dict]]) -> float:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute(
            "CREATE TABLE bare_many (id BIGSERIAL PRIMARY KEY, station_id TEXT,"
            " received_at DOUBLE PRECISION, body TEXT)"
        )
        conn.commit()
        start = time.perf_counter()
        for i in range(0, len(requests_), 500):
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO bare_many (station_id, received_at, body) VALUES (%s, %s, %s)",
                    [(h["X-Station-Id"], time.time(), b.decode()) for b, h in requests_[i : i + 500]],
                )
            conn.commit()
        return len(requests_) / (time.perf_counter() - start)


def _ingest_worker(url: str, part: list[tuple[bytes, dict]], threads: int, ready, go, out) -> None:
    from console.ingest import Ingest
    from console.store import Store

    store = Store.open(url=url)
    ingest = Ingest(store)
    chunks = [part[i::threads] for i in range(threads)]
    failures = []

    def run(chunk: list[tuple[bytes, dict]]) -> None:
        for body, headers in chunk:
            try:
                ingest.accept("POST", PATH, headers, body)
            except Exception as exc:  # noqa: BLE001 - counted and shown
                failures.append(repr(exc))

    workers = [threading.Thread(target=run, args=(c,)) for c in chunks]
    ready.put(1)
    go.wait()
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.put((time.perf_counter() - start, len(failures), failures[:3]))
    ingest.close()
    store.close()


def _race(target, args_of_part, requests_: list[tuple[bytes, dict]], processes: int) -> tuple[float, list]:
    """Split the reports by station over `processes` forked processes (each station's reports to
    one process, in order, as a sticky load balancer would), start them together once all are
    ready, and return the wall time until every one has reported, with what each put on `out`."""
    ctx = multiprocessing.get_context("fork")
    ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    parts: list[list] = [[] for _ in range(processes)]
    for body, headers in requests_:
        parts[hash(headers["X-Station-Id"]) % processes].append((body, headers))
    procs = [ctx.Process(target=target, args=(*args_of_part(part), ready, go, out)) for part in parts]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get()
    start = time.perf_counter()
    go.set()
    results = [out.get() for _ in procs]
    wall = time.perf_counter() - start
    for p in procs:
        p.join()
    return wall, results


def ingest_processes(
    url: str, requests_: list[tuple[bytes, dict]], processes: int, threads: int = 64
) -> float:
    """Reports/s through Ingest.accept in `processes` processes on one database (wall clock)."""
    wall, results = _race(_ingest_worker, lambda part: (url, part, threads), requests_, processes)
    failed = sum(r[1] for r in results)
    if failed:
        raise SystemExit(f"ingest refused {failed} reports: {results[0][2]}")
    return len(requests_) / wall


def _start_console(url: str, workers: int = 1, threads: int = 64) -> tuple[subprocess.Popen, int]:
    """`main.py console --db URL` as deployed (`--workers N`: N forked processes on one port)."""
    proc = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "main.py"),
            "console",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--db",
            url,
            "--threads",
            str(threads),
            *(["--workers", str(workers)] if workers > 1 else []),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    match = re.search(r":(\d+)/", proc.stdout.readline())
    if not match:
        raise SystemExit("管控平台没有启动")
    return proc, int(match.group(1))


def request_bytes(body: bytes, headers: dict) -> bytes:
    """One POST as it goes on the wire (pre-built: the stations' work is not the console's)."""
    head = [f"POST {PATH} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
    head += [f"{k}: {v}" for k, v in headers.items() if k.lower() not in ("content-type", "host")]
    head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


def _lean_client(ports: list[int], part: list[bytes], conns: int, ready, go, out) -> None:
    """One client process, one thread: `conns` keep-alive connections driven by a selector, each
    with one request in flight (as many stations at once), the next sent as soon as the answer is
    in. Lean on purpose: it shares the 2 cores with the server it measures. Puts (answers with 200,
    the other statuses seen)."""
    import selectors
    import socket

    sel = selectors.DefaultSelector()
    todo = list(reversed(part))
    ok, other = 0, []
    ready.put(1)
    go.wait()

    def send(sock: socket.socket) -> None:
        sock.sendall(todo.pop())

    for i in range(min(conns, len(part))):
        sock = socket.create_connection(("127.0.0.1", ports[i % len(ports)]))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sel.register(sock, selectors.EVENT_READ, bytearray())
        send(sock)
    inflight = len(sel.get_map())
    while inflight:
        for key, _ in sel.select():
            sock, buf = key.fileobj, key.data
            chunk = sock.recv(65536)
            if not chunk:
                raise SystemExit("the console closed a connection")
            buf += chunk
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                continue
            head = bytes(buf[:end]).lower()
            found = re.search(rb"content-length:\s*(\d+)", head)
            length = int(found.group(1)) if found else 0
            if len(buf) < end + 4 + length:
                continue
            status = int(head[9:12])
            if status == 200:
                ok += 1
            else:
                other.append(status)
            del buf[: end + 4 + length]
            if todo:
                send(sock)
            else:
                sel.unregister(sock)
                sock.close()
                inflight -= 1
    out.put((ok, other[:5]))


def ingest_http(port: int, requests_: list[tuple[bytes, dict]], conns: int = 128) -> tuple[float, int]:
    """Reports/s through a running `main.py console` on `port`, posted by one lean client process
    of `conns` keep-alive connections on the same 2 cores. Only answers 200 count. Returns (rate,
    accepted)."""

    def args_of(part: list[tuple[bytes, dict]]) -> tuple:
        return [port], [request_bytes(b, h) for b, h in part], conns

    wall, results = _race(_lean_client, args_of, requests_, 1)
    ok, other = results[0]
    if other:
        print(f"  refused: HTTP {other}", flush=True)
    return ok / wall, ok


def _reports_in(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM reports").fetchone()[0]


def station_list(url: str, fleet: list[fleetsim.SimStation]) -> list[tuple[str, float]]:
    from console.store import Store

    store = Store.open(url=url)
    fleetsim.load_into(store, fleet, time.time())
    rows = []

    def timed(label: str, fn) -> None:  # noqa: ANN001
        fn()  # warm (connection, plan cache)
        best = min(_seconds(fn) for _ in range(3))
        rows.append((label, best))

    timed(f"store.station_list() — all {len(fleet)} rows", lambda: store.station_list())
    timed("store.station_list(limit=100) + total", lambda: store.station_list(limit=100))
    timed("store.station_list(state=fault)", lambda: store.station_list(state="fault"))
    last = (len(fleet) - 1) // 50 * 50      # the last page of 50: every station sorted worst first
    timed("store.station_list(limit=50), last page", lambda: store.station_list(limit=50, offset=last))
    timed("  same, order=area (the old order, for scale)",
          lambda: store.station_list(limit=50, offset=last, order="area"))
    timed("store.state_counts()", lambda: store.state_counts())
    rows += _page_over_http(url, store)
    store.close()
    return rows


def _seconds(fn) -> float:  # noqa: ANN001
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _page_over_http(url: str, store) -> list[tuple[str, float]]:  # noqa: ANN001
    """GET /stations as a logged-in province user, when the pages exist (console/web)."""
    try:
        from console.web.auth import add_user
    except ImportError:
        return []
    import requests

    add_user(store, "bench", "bench-password-1", None, "基准测试")
    proc, port = _start_console(url)
    try:
        session = requests.Session()
        base = f"http://127.0.0.1:{port}"
        form = session.get(f"{base}/login", timeout=30).text
        token = re.search(r'name="csrf" value="([^"]+)"', form)
        data = {"username": "bench", "password": "bench-password-1"}
        if token:
            data["csrf"] = token.group(1)
        session.post(f"{base}/login", data=data, timeout=30)
        first = session.get(f"{base}/stations", timeout=60)
        if first.status_code != 200 or "login" in first.url:
            return [("GET /stations over HTTP (login failed, not measured)", float("nan"))]
        best = min(_seconds(lambda: session.get(f"{base}/stations", timeout=60)) for _ in range(3))
        last = f"{base}/stations?page={-(-len(store.station_list().rows) // 50)}"
        slowest = min(_seconds(lambda: session.get(last, timeout=60)) for _ in range(3))
        return [("GET /stations over HTTP (first page, logged in)", best),
                ("GET /stations?page=<last> over HTTP", slowest)]
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stations", type=int, default=12000)
    parser.add_argument("--reports", type=int, default=6000, help="timed reports per run")
    parser.add_argument("--runs", type=int, default=3, help="runs per row (the median is shown)")
    parser.add_argument("--ingest-stations", type=int, default=2000, help="stations whose reports are timed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--http-workers", type=int, nargs="+", default=[1, 2], help="--workers of each HTTP row"
    )
    args = parser.parse_args(argv)
    fleet = fleetsim.make_fleet(args.stations, args.seed)
    ingesting = min(args.ingest_stations, args.stations)
    print(f"making {ingesting} + {args.runs} x {args.reports} reports of simulated stations …", flush=True)
    warm, timed = make_reports(fleet, args.reports * args.runs, time.time(), ingesting)
    slices = [timed[i * args.reports : (i + 1) * args.reports] for i in range(args.runs)]
    load_start = os.getloadavg()
    labels = ["bare INSERT loop (autocommit)", "bare executemany, 500 per transaction"]
    labels += [f"in-process Ingest.accept, {n} process(es) x 64 threads" for n in (1, 2)]
    labels += [f"HTTP, main.py console --workers {n} --threads 64" for n in args.http_workers]
    rates: dict[str, list[float]] = {label: [] for label in labels}
    loads: list[float] = []
    accepted = {n: 0 for n in args.http_workers}
    with TempPostgres(durable=True) as pg:
        inproc_db, http_db, consoles = {}, {}, {}
        try:
            for n in (1, 2):
                inproc_db[n] = _prepared(pg, f"ingest{n}", fleet, warm)
            for n in args.http_workers:
                http_db[n] = _prepared(pg, f"http{n}", fleet, warm)
                consoles[n] = _start_console(http_db[n], n)
            # run i of every row, then run i + 1: each row meets the same changing machine load
            for i, reports in enumerate(slices):
                print(f"run {i + 1} of {args.runs} (load {os.getloadavg()[0]:.1f}) …", flush=True)
                plain = signed(reports)
                rates[labels[0]].append(bare_loop(pg.create_database(f"bare{i}"), plain))
                rates[labels[1]].append(bare_many(pg.url(f"bare{i}"), plain))
                for n in (1, 2):
                    rates[labels[1 + n]].append(ingest_processes(inproc_db[n], signed(reports), n))
                for label, n in zip(labels[4:], args.http_workers, strict=True):
                    rate, ok = ingest_http(consoles[n][1], signed(reports))
                    rates[label].append(rate)
                    accepted[n] += ok
                loads.append(os.getloadavg()[0])
        finally:
            for proc, _ in consoles.values():
                proc.terminate()
                proc.wait(timeout=30)
        durable = []
        for n in args.http_workers:
            stored = _reports_in(http_db[n]) - len(warm)
            durable.append(
                f"--workers {n}: {accepted[n]} answered 200 of {len(timed)} sent, {stored} in PostgreSQL "
                f"after the server stopped ({'all there' if stored == accepted[n] else 'MISSING'})"
            )
        listing = station_list(pg.create_database("listing"), fleet)
    load_end = os.getloadavg()
    median = [statistics.median(rates[label]) for label in labels]
    bare = median[0]
    print()
    print(
        f"Reports into PostgreSQL (fsync on): {args.reports} reports of {ingesting} stations per run, "
        f"median of {args.runs} runs (run i of every row, then run i + 1); {os.cpu_count()} CPUs "
        f"shared by the console, PostgreSQL, the client and whatever else runs: load average "
        f"(1/5/15 min) {_load(load_start)} at the start, {_load(load_end)} at the end, after each "
        f"run {', '.join(f'{x:.1f}' for x in loads)}. Target >= 2000/s."
    )
    print(f"| {'path':<62} | {'reports/s':>9} | {'runs':>11} | {'x bare loop':>11} |")
    print(f"| {'-' * 62} | {'-' * 8}: | {'-' * 10}: | {'-' * 10}: |")
    for label, rate in zip(labels, median, strict=True):
        spread = f"{min(rates[label]):.0f}–{max(rates[label]):.0f}"
        print(f"| {label:<62} | {rate:>9.0f} | {spread:>11} | {rate / bare:>11.2f} |")
    inproc, http = median[2:4], median[4:]
    print()
    for n, rate in zip(args.http_workers, http, strict=True):
        if n in (1, 2):
            print(f"HTTP / in-process, {n} process(es): {rate / inproc[n - 1]:.2f}")
    for line in durable:
        print(f"durability: {line}")
    print()
    print(f"Station list, {args.stations} stations (best of 3; target < 1 s)")
    print(f"| {'query':<52} | {'seconds':>8} |")
    print(f"| {'-' * 52} | {'-' * 7}: |")
    for label, seconds in listing:
        print(f"| {label:<52} | {seconds:>8.3f} |")
    best = max(median[2:])
    worst_list = max(s for _, s in listing)
    print()
    print(
        f"console_ingest: best={best:.0f}/s bare={bare:.0f}/s ratio={best / bare:.1f} "
        f"list_max_s={worst_list:.3f} http={max(http, default=0):.0f}/s load={load_end[0]:.1f}"
    )
    return 0


def _prepared(pg: TempPostgres, name: str, fleet: list[fleetsim.SimStation], warm: list) -> str:
    """A database with the fleet imported and each timed station's first report applied."""
    db = pg.create_database(name)
    _import(db, fleet)
    warm_up(db, signed(warm))
    return db


def _load(avg: tuple[float, float, float]) -> str:
    return "/".join(f"{x:.1f}" for x in avg)


def _import(url: str, fleet: list[fleetsim.SimStation]) -> None:
    from console.store import Store

    store = Store.open(url=url)
    store.upsert_stations([s.import_line() for s in fleet])
    store.close()


if __name__ == "__main__":
    sys.exit(main())

"""Station reports per second into PostgreSQL through the console's real ingest path, against a
bare psycopg INSERT loop in the same run; and the station list for 12 000 stations.

    python benchmarks/console_ingest.py [--stations 12000] [--reports 6000] [--ingest-stations 2000]

A throw-away PostgreSQL (console/pgtemp.py, the tests' starter) with its durable defaults (fsync
on, synchronous_commit on), so every commit costs what it costs in a deployment. The reports are
the fleet simulator's (console/fleetsim.py: built by the station's own builder, signed with each
station's key) and are made before the clock starts: the stations' work is not the console's.

Rows:
- bare INSERT loop: one psycopg `INSERT` of the report's JSON per report, autocommit (what a
  naive collector does: no signature, no validation, no state). The baseline of the ratio.
- bare executemany: the same rows in one transaction per 500 (the most a batch of plain INSERTs
  can do; shown for scale).
- ingest, N process(es): `Ingest.accept` (signature, console_api.yaml validation, state and
  alerts derived, report + state + alerts + figures + 差评整改 written, group commit) called by 16
  threads per process, each process its own Store on the one database (stateless processes side
  by side, as behind a load balancer).
- ingest over HTTP: the same through `main.py console --db …` processes (waitress), posted by two
  client processes of 32 keep-alive connections each, which share the same 2 cores (so it is a
  floor, not a ceiling).

Station list (12 000 stations loaded with fleetsim.load_into): the store's full list query, one
page of 100 with the total, the counts per state, and — when console/web is present — the page
`/stations` over HTTP after a real login. Targets (issue 19): ingest ≥ 2 000 reports/s (10× the
fleet's 200/s) on 2 cores; the station list < 1 s.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
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


def make_requests(
    fleet: list[fleetsim.SimStation], count: int, now: float, stations: int
) -> tuple[list[tuple[bytes, dict]], list[tuple[bytes, dict]]]:
    """(warm, timed): each of `stations` online stations' first report (its first state, its
    figures so far: applied before the clock starts), then `count` reports round after round
    (seq rising, a minute apart) — the steady state of a fleet reporting every 60 s."""
    online = fleetsim.reporting(fleet)[:stations]

    def signed_round(seq: int) -> list[tuple[bytes, dict]]:
        out = []
        for station in online:
            body = fleet_report.encode(fleetsim.report(station, seq, now + 60 * (seq - 1)))
            out.append((body, fleetsim.signed(station, body, now, PATH)))
        return out

    warm = signed_round(1)
    timed: list[tuple[bytes, dict]] = []
    seq = 1
    while len(timed) < count:
        seq += 1
        timed += signed_round(seq)
    return warm, timed[:count]


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


def _start_console(url: str) -> tuple[subprocess.Popen, int]:
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
            "48",
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


def _http_client(ports: list[int], part: list[tuple[bytes, dict]], threads: int, ready, go, out) -> None:
    """One client process: `threads` keep-alive connections, spread over the console processes."""
    errors: list[str] = []

    def run(index: int, chunk: list[tuple[bytes, dict]]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", ports[index % len(ports)], timeout=60)
        for body, headers in chunk:
            conn.request("POST", PATH, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(str(response.status))
        conn.close()

    workers = [threading.Thread(target=run, args=(i, part[i::threads])) for i in range(threads)]
    ready.put(1)
    go.wait()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.put(errors[:3] + ([f"{len(errors)} refused"] if errors else []))


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


def ingest_http(
    url: str, requests_: list[tuple[bytes, dict]], processes: int, clients: int = 2, threads: int = 32
) -> float:
    """Reports/s through `processes` `main.py console` processes, posted by `clients` client
    processes (the stations), each with `threads` connections; all on the same 2 cores."""
    consoles = [_start_console(url) for _ in range(processes)]
    ports = [port for _, port in consoles]
    try:
        wall, results = _race(_http_client, lambda part: (ports, part, threads), requests_, clients)
        errors = [e for result in results for e in result]
        rate = len(requests_) / wall
        if errors:
            raise SystemExit(f"HTTP ingest: not all accepted ({errors[:4]})")
        return rate
    finally:
        for proc, _ in consoles:
            proc.terminate()
            proc.wait(timeout=20)


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
    timed("store.state_counts()", lambda: store.state_counts())
    page = _page_over_http(url, store)
    if page is not None:
        rows.append(page)
    store.close()
    return rows


def _seconds(fn) -> float:  # noqa: ANN001
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _page_over_http(url: str, store) -> tuple[str, float] | None:  # noqa: ANN001
    """GET /stations as a logged-in province user, when the pages exist (console/web)."""
    try:
        from console.web.auth import add_user
    except ImportError:
        return None
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
            return ("GET /stations over HTTP (login failed, not measured)", float("nan"))
        best = min(_seconds(lambda: session.get(f"{base}/stations", timeout=60)) for _ in range(3))
        return ("GET /stations over HTTP (first page, logged in)", best)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stations", type=int, default=12000)
    parser.add_argument("--reports", type=int, default=6000, help="timed reports per row")
    parser.add_argument("--ingest-stations", type=int, default=2000, help="stations whose reports are timed")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    fleet = fleetsim.make_fleet(args.stations, args.seed)
    ingesting = min(args.ingest_stations, args.stations)
    print(f"making {ingesting} + {args.reports} signed reports of simulated stations …", flush=True)
    warm, requests_ = make_requests(fleet, args.reports, time.time() + 60, ingesting)
    with TempPostgres(durable=True) as pg:
        bare = bare_loop(pg.create_database("bare"), requests_)
        many = bare_many(pg.url("bare"), requests_)
        results = []
        for processes in (1, 2):
            db = pg.create_database(f"ingest{processes}")
            _import(db, fleet)
            warm_up(db, warm)
            label = f"ingest, {processes} process{'es' if processes > 1 else ''} x 64 threads"
            results.append((label, ingest_processes(db, requests_, processes)))
        for processes in (1, 2):
            db = pg.create_database(f"http{processes}")
            _import(db, fleet)
            warm_up(db, warm)
            label = f"ingest over HTTP, {processes} console process{'es' if processes > 1 else ''}"
            results.append((label, ingest_http(db, requests_, processes)))
        listing = station_list(pg.create_database("listing"), fleet)
    print()
    print(
        f"Reports into PostgreSQL ({len(requests_)} reports of {ingesting} stations after their first, "
        f"{os.cpu_count()} CPUs, load "
        f"{os.getloadavg()[0]:.1f}; target >= 2000/s)"
    )
    print(f"| {'path':<46} | {'reports/s':>10} | {'x bare loop':>11} |")
    print(f"| {'-' * 46} | {'-' * 10}: | {'-' * 11}: |")
    print(f"| {'bare INSERT loop (autocommit)':<46} | {bare:>10.0f} | {1.0:>11.2f} |")
    print(f"| {'bare executemany, 500 per transaction':<46} | {many:>10.0f} | {many / bare:>11.2f} |")
    for label, rate in results:
        print(f"| {label:<46} | {rate:>10.0f} | {rate / bare:>11.2f} |")
    print()
    print(f"Station list, {args.stations} stations (best of 3; target < 1 s)")
    print(f"| {'query':<52} | {'seconds':>8} |")
    print(f"| {'-' * 52} | {'-' * 8}: |")
    for label, seconds in listing:
        print(f"| {label:<52} | {seconds:>8.3f} |")
    best = max(rate for _, rate in results)
    worst_list = max(s for _, s in listing)
    print()
    print(
        f"console_ingest: best={best:.0f}/s bare={bare:.0f}/s ratio={best / bare:.1f} "
        f"list_max_s={worst_list:.3f}"
    )
    return 0


def _import(url: str, fleet: list[fleetsim.SimStation]) -> None:
    from console.store import Store

    store = Store.open(url=url)
    store.upsert_stations([s.import_line() for s in fleet])
    store.close()


if __name__ == "__main__":
    sys.exit(main())

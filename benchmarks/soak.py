"""Soak: one kiosk process serves many residents over many simulated hours without a restart.

The kiosk runs offscreen exactly as `demo` builds it (kiosk.ui.app.build on a real encrypted store,
the ID reader and receipt printer simulators on pty pairs speaking the wire protocol, the reference
platform over HTTP on 127.0.0.1). Time is virtual where the code allows it: one fake clock drives
the session's idle timer, the store, the delivery worker's backoff and the platform, so a day of
station life passes in minutes. The device drivers' reconnects run in real time (they are threads
reading real ptys); the harness waits for them.

Each session: a card with the sample applicant's details is placed on the simulated reader (the
kiosk identifies the resident from what came over the wire) → `complete_sample_application` →
sign → saving (durable commit) → receipt (printed on the pty printer) → 好差评 → 完成 (wipe). Every
tenth session is abandoned half way and wiped by the idle timer instead (virtual clock). Around
them: the reader and then the printer are unplugged for a few sessions and plugged back; the
platform goes away for a stretch (applications pile up in the queue) and comes back (the queue must
drain, every application delivered exactly once). Between sessions the delivery worker runs one
pass, as its thread would.

Reported (a table): sessions served, restarts needed (0: the same process and objects throughout,
no Qt/QML warning), RSS after warm-up and at the end (growth ≤ 10 MB), threads, device recovery,
the queue's peak during the outage and how it drained.

The printer simulator keeps every page it printed (numpy images) and every command it interpreted,
for tests; that is the simulator's memory, not the kiosk's, so the harness empties it after each
receipt. The reference platform also runs in this process (its memory is counted, conservatively).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/soak.py [--sessions 1000]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts benchmarks/ first on the path, where benchmarks/forms.py would
# shadow the `forms` package: the project root goes first instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

START_EPOCH = 1_795_830_000.0
MAX_RSS_GROWTH_MB = 10.0


class VirtualClock:
    """Epoch seconds that only move when the soak says so."""

    def __init__(self, start: float = START_EPOCH) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def release_free_heap(engine=None) -> None:  # noqa: ANN001 - QQmlEngine
    """Collect what is garbage (Python, the QML JavaScript heap) and hand freed heap pages back to
    the OS (glibc keeps them per thread arena), so RSS shows what is in use rather than what the
    allocators keep for later."""
    import ctypes

    if engine is not None:
        from PySide6.QtCore import QCoreApplication, QEvent

        engine.collectGarbage()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class SoakResult:
    sessions: int = 0
    completed: int = 0
    abandoned_wiped: int = 0
    by_card: int = 0
    receipts_printed: int = 0
    receipts_not_printed: int = 0
    failures: list[str] = field(default_factory=list)
    qml_warnings: list[str] = field(default_factory=list)
    simulated_hours: float = 0.0
    wall_s: float = 0.0
    rss_start_mb: float = 0.0
    rss_warm_mb: float = 0.0
    rss_end_mb: float = 0.0
    rss_peak_mb: float = 0.0
    threads_warm: int = 0
    threads_end: int = 0
    reader_unplug_seen: bool = False
    reader_recovered_s: float | None = None
    reader_stuck: list[str] = field(default_factory=list)
    printer_unplug_seen: bool = False
    printer_recovered_s: float | None = None
    outage_sessions: int = 0
    outage_peak_pending: int = 0
    drain_passes: int = 0
    pending_after_drain: int = -1
    drain_virtual_s: float = 0.0
    pending_end: int = -1
    failed_end: int = -1
    submissions_saved: int = 0
    platform_received: int = 0
    platform_duplicates: int = 0

    @property
    def rss_growth_mb(self) -> float:
        return self.rss_end_mb - self.rss_warm_mb

    @property
    def restarts_needed(self) -> int:
        return 0 if not self.failures and not self.qml_warnings else 1

    def ok(self) -> bool:
        return (self.restarts_needed == 0 and self.pending_end == 0 and self.failed_end == 0
                and self.platform_received == self.submissions_saved and self.platform_duplicates == 0
                and self.rss_growth_mb <= MAX_RSS_GROWTH_MB and self.reader_recovered_s is not None
                and self.printer_recovered_s is not None and self.pending_after_drain == 0)


def _pump(app, until, timeout: float, step_ms: int = 5) -> bool:  # noqa: ANN001
    """Run a real Qt event loop until `until()` is true (or `timeout` real seconds pass).

    A real loop, not `processEvents()`: only a running loop carries out `deleteLater`, so the
    screens the kiosk leaves are freed as under `app.exec()` (pumping `processEvents()` instead
    keeps every old screen alive, ~0.4 MB a navigation, which is the harness's leak, not the
    kiosk's)."""
    from PySide6.QtCore import QEventLoop, QTimer

    if until():
        return True
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    met = [False]

    def check() -> None:
        if until():
            met[0] = True
            loop.quit()
        elif time.monotonic() > deadline:
            loop.quit()

    timer = QTimer()
    timer.setInterval(step_ms)
    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    return met[0]


def _flush(app, seconds: float = 0.02) -> None:  # noqa: ANN001
    """Let the event loop run briefly (queued signals, deferred deletes)."""
    _pump(app, lambda: False, seconds)


def _card_for(person: dict):  # noqa: ANN202 - devices.idcard.card.IdCard
    from devices.idcard.card import IdCard
    from devices.idcard.samples import fake_photo

    birth = person.get("birth_date") or person["id_number"][6:14]
    birth = f"{birth[:4]}-{birth[4:6]}-{birth[6:8]}" if "-" not in birth else birth
    return IdCard(card_type="resident", name=person["name"], name_en=None,
                  sex="男" if int(person["id_number"][16]) % 2 else "女", ethnicity="汉", birth_date=birth,
                  address=person.get("address") or "辽宁省沈阳市和平区南湖街道文化路17号",
                  id_number=person["id_number"], issuer="沈阳市公安局和平分局", valid_from="2020-01-01",
                  valid_to="长期", photo=fake_photo(person["id_number"]))


class Soak:
    def __init__(self, work: Path, sessions: int, seed: int = 7, log=print) -> None:  # noqa: ANN001
        self.work = work
        self.n = sessions
        self.rng = random.Random(seed)
        self.log = log
        self.clock = VirtualClock()
        self.result = SoakResult(sessions=sessions)

    # ------------------------------------------------------------------ set-up
    def start(self) -> None:
        from kiosk.station.demo import demo_config
        from kiosk.ui.app import build, prepare_environment
        from sync import enrollment
        from sync.platform.service import PlatformService
        from sync.store import Store
        from sync.worker import DeliveryWorker

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        prepare_environment()
        self._stable_reader_path()
        self.config = demo_config(None, self.work / "data")
        self.store = Store.open(self.config.data_dir, self.config.key_dir, clock=self.clock)
        self.service = PlatformService(self.work / "platform", clock=self.clock)
        self._serve()
        enrollment.enroll(self.store, self.config.key_dir, self.url, self.config.get("station", "id"),
                          self.service.new_enrollment_code())
        self.client = enrollment.make_client(self.store, self.config.key_dir, platform_url=self.url,
                                             timeout=5.0, clock=self.clock)
        self.worker = DeliveryWorker(self.store, self.client, rng=random.Random(1))
        self.kiosk = build(self.config, voice_enabled=False, open_station_devices=True,
                           allow_simulators=True, store=self.store, clock=self.clock)
        self.reader = self.kiosk.station_devices.reader_simulator
        self.printer = self.kiosk.station_devices.printer_simulator
        self.bundles = self._bundles()

    def _stable_reader_path(self) -> None:
        """The demo opens the reader simulator on its bare pty name (/dev/pts/N), which a replug
        does not bring back; a station's reader has a stable udev name (/dev/idcard). The soak
        gives the simulator a stable symlink the same way, so replugging is tested as on a station."""
        import devices.idcard.simulator as reader_simulator

        original = reader_simulator.start_simulated_reader
        link = str(self.work / "idcard")

        def with_link(card=None, link_path=None, **options):  # noqa: ANN001, ANN202
            return original(card, link_path or link, **options)

        reader_simulator.start_simulated_reader = with_link
        self._restore_reader = lambda: setattr(reader_simulator, "start_simulated_reader", original)

    def _serve(self) -> None:
        # The platform's `Date` header follows its service clock (virtual here), so the kiosk
        # learns its clock offset from the real header path.
        from sync.platform.server import PlatformServer

        port = getattr(self, "port", 0)
        for _ in range(50):                  # the old socket may linger a moment after an outage
            try:
                self.server = PlatformServer(("127.0.0.1", port), self.service)
                threading.Thread(target=self.server.serve_forever, name="platform", daemon=True).start()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the reference platform could not come back on its port")
        self.port = self.server.server_address[1]
        self.url = self.server.url

    def _stop_platform(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _bundles(self) -> list[str]:
        """The bundles whose worked example (variant 0) this station can take at least one item
        of (通办, forms.handling): an example resident registered elsewhere for every item is sent
        home at 核对 and saves nothing, so they are not a session that ends with a receipt."""
        from forms.engine import FormSession
        from forms.examples import example
        from forms.handling import decide_all, resident_place

        names = []
        for bundle in self.kiosk.journey.catalogue.bundles:
            try:
                sample = example(bundle.id, 0)
            except Exception:  # noqa: BLE001 - a bundle without a worked example is skipped
                continue
            form = FormSession(bundle, applicant=sample.get("applicant"), answers=sample["answers"])
            place = resident_place(bundle, form.answers(), form.applicant)
            if any(d.here for d in decide_all(form.applicable_items(), place, self.config.station_division)):
                names.append(bundle.id)
        return names or ["retirement"]

    def close(self) -> None:
        self._restore_reader()
        self.kiosk.shutdown()
        self._stop_platform()
        self.store.close()

    # ------------------------------------------------------------------ one resident
    def session(self, index: int, *, abandon: bool, card: bool) -> None:
        from forms.examples import example
        from kiosk.ui.screenshots import complete_sample_application
        from kiosk.ui.session import State

        kiosk, app = self.kiosk, self.kiosk.app
        bundle = self.bundles[index % len(self.bundles)]
        person = example(bundle, 0)["applicant"]
        if card:
            self.reader.place(_card_for(person))
            if not _pump(app, lambda: kiosk.session.state is not State.IDLE, 15):
                raise AssertionError("the card on the reader did not identify the resident")
            if kiosk.journey.applicant["id_number"] != person["id_number"]:
                raise AssertionError("identified as someone else")
            self.result.by_card += 1
        complete_sample_application(kiosk, bundle)
        if abandon:                               # walks away: the idle timer wipes (virtual time)
            self.clock.advance(kiosk.session.idle_timeout_s + 1)
            kiosk.session.tick()
            self.clock.advance(kiosk.session.warning_s + 1)
            kiosk.session.tick()
            _flush(app)
            if kiosk.shell.property("screen") != "attract" or kiosk.journey.applicant:
                raise AssertionError("the idle timer did not wipe an abandoned session")
            self.result.abandoned_wiped += 1
            return
        kiosk.shell.jump("sign")
        kiosk.shell.forward()                     # sign → saving: the durable commit
        if not _pump(app, lambda: kiosk.shell.property("screen") == "receipt", 30):
            raise AssertionError(f"not saved: screen {kiosk.shell.property('screen')}")
        if not _pump(app, lambda: kiosk.submit.property("printState") in ("printed", "not_printed"), 60):
            raise AssertionError("the receipt neither printed nor failed")
        if kiosk.submit.property("printState") == "printed":
            self.result.receipts_printed += 1
        else:
            self.result.receipts_not_printed += 1
        self._forget_printed_pages()
        kiosk.shell.jump("rating")
        kiosk.rating.choose(5 if index % 7 else 2)
        if index % 7 == 0:
            kiosk.rating.toggleReason("等待时间长")
        kiosk.rating.submit()
        if not _pump(app, lambda: kiosk.rating.property("state") == "thanked", 30):
            raise AssertionError("the rating was not saved")
        kiosk.rating.done()
        _pump(app, lambda: kiosk.shell.property("screen") == "attract", 5)
        if kiosk.shell.property("screen") != "attract" or kiosk.journey.applicant:
            raise AssertionError("the session did not end on a wiped attract screen")
        self.reader.lift()
        self.result.completed += 1

    def _forget_printed_pages(self) -> None:
        with self.printer._page_done:  # noqa: SLF001 - the simulator's own record, not the kiosk's
            self.printer.pages.clear()
            self.printer.png_paths.clear()
            del self.printer.interpreter.ops[:]          # every command it interpreted, kept for tests
            self.printer._consumed_ops = 0  # noqa: SLF001
        for png in (self.config.data_dir / "receipts").glob("*.png"):
            png.unlink(missing_ok=True)

    # ------------------------------------------------------------------ the run
    def run(self) -> SoakResult:
        r = self.result
        n = self.n
        warmup = max(3, n // 10)
        reader_off = range(int(n * 0.20), int(n * 0.20) + max(1, n // 40))
        printer_off = range(int(n * 0.40), int(n * 0.40) + max(1, n // 40))
        outage = range(int(n * 0.55), int(n * 0.55) + max(2, n // 8))
        r.outage_sessions = len(outage)
        started = time.perf_counter()
        r.rss_start_mb = rss_mb()
        for i in range(n):
            if i == warmup:
                release_free_heap(self.kiosk.engine)
                r.rss_warm_mb = rss_mb()
                r.threads_warm = threading.active_count()
            self._devices_and_network(i, reader_off, printer_off, outage)
            try:
                reader_ok = self.kiosk.devices.health().get("id_reader", ("", ""))[0] == "ok"
                self.session(i, abandon=i % 10 == 9, card=i not in reader_off and reader_ok)
            except AssertionError as exc:
                r.failures.append(f"session {i}: {exc}")
                self.kiosk.session.end()
                _flush(self.kiosk.app)
            self.clock.advance(self.rng.uniform(60, 360))         # the next resident comes later
            if i not in outage:
                self.worker.run_once()
            else:
                r.outage_peak_pending = max(r.outage_peak_pending, self.store.pending_summary()["pending"])
            r.rss_peak_mb = max(r.rss_peak_mb, rss_mb())
            if (i + 1) % max(1, n // int(os.environ.get('SOAK_REPORTS', '10'))) == 0:
                self.log(f"  {i + 1}/{n} sessions, RSS {rss_mb():.1f} MB, "
                         f"{time.perf_counter() - started:.0f} s")
        self._drain(final=True)
        release_free_heap(self.kiosk.engine)
        r.rss_end_mb = rss_mb()
        r.threads_end = threading.active_count()
        r.wall_s = time.perf_counter() - started
        r.simulated_hours = (self.clock() - START_EPOCH) / 3600
        r.qml_warnings = list(self.kiosk.qml_warnings)
        self._count_platform()
        return r

    def _devices_and_network(self, i: int, reader_off: range, printer_off: range, outage: range) -> None:
        r, kiosk = self.result, self.kiosk
        health = lambda name: kiosk.devices.health().get(name, ("", ""))[0]  # noqa: E731
        if i == reader_off.start:
            self.reader.unplug()
            r.reader_unplug_seen = _pump(kiosk.app, lambda: health("id_reader") not in ("ok", ""), 30)
        if i == reader_off.stop:
            t0 = time.perf_counter()
            for attempt in range(1, 4):          # a technician re-seats the cable if it stays dark
                self.reader.replug()
                if _pump(kiosk.app, lambda: health("id_reader") == "ok", 15):
                    r.reader_recovered_s = time.perf_counter() - t0
                    break
                r.reader_stuck.append(f"replug {attempt}: {kiosk.devices.health().get('id_reader')}")
                self.reader.unplug()
                _flush(kiosk.app, 3)
        if i == printer_off.start:
            self.printer.unplug()
            threading.Thread(target=kiosk.station_devices.manager.refresh_printer, daemon=True).start()
            r.printer_unplug_seen = _pump(kiosk.app, lambda: health("receipt_printer") not in ("ok", ""), 30)
        if i == printer_off.stop:
            self.printer.replug()
            threading.Thread(target=kiosk.station_devices.manager.refresh_printer, daemon=True).start()
            t0 = time.perf_counter()
            if _pump(kiosk.app, lambda: health("receipt_printer") == "ok", 60):
                r.printer_recovered_s = time.perf_counter() - t0
        if i == outage.start:
            self._stop_platform()
            self.worker.run_once()                               # finds the platform gone
        if i == outage.stop:
            r.outage_peak_pending = max(r.outage_peak_pending, self.store.pending_summary()["pending"])
            self._serve()
            self._drain()

    def _drain(self, final: bool = False) -> None:
        """After the outage (and at the end): let the worker run, on virtual time, until the queue
        is empty — the backoff it chose is waited out by moving the clock, not by sleeping."""
        r = self.result
        start = self.clock()
        passes = 0
        for _ in range(200):
            summary = self.store.pending_summary()
            if summary["pending"] == 0:
                break
            if self.worker.not_before:
                self.clock.advance(max(0.0, self.worker.not_before - self.clock()) + 1)
            else:
                self.clock.advance(30)
            self.worker.run_once()
            passes += 1
        if not final:
            r.drain_passes, r.drain_virtual_s = passes, self.clock() - start
            r.pending_after_drain = self.store.pending_summary()["pending"]
        summary = self.store.pending_summary()
        r.pending_end, r.failed_end = summary["pending"], summary["failed"]

    def _count_platform(self) -> None:
        r = self.result
        rows = self.service.submissions()
        r.platform_received = len(rows)
        r.platform_duplicates = sum(1 for row in rows if row.get("times_received", 1) != 1)
        r.submissions_saved = sum(1 for row in self.store.outbox_rows() if row.kind == "submission")


def run_soak(sessions: int, work: Path | None = None, seed: int = 7, log=print) -> SoakResult:  # noqa: ANN001
    own = work is None
    work = Path(tempfile.mkdtemp(prefix="kiosk-soak-")) if own else Path(work)
    soak = Soak(work, sessions, seed=seed, log=log)
    try:
        soak.start()
        return soak.run()
    finally:
        try:
            soak.close()
        finally:
            if own:
                shutil.rmtree(work, ignore_errors=True)


def table(r: SoakResult) -> str:
    def yes(flag: bool) -> str:
        return "pass" if flag else "FAIL"

    rows = [
        ("sessions (by card / abandoned→idle wipe)", f"{r.sessions} ({r.by_card} / {r.abandoned_wiped})",
         "all served", yes(r.completed + r.abandoned_wiped == r.sessions)),
        ("restarts needed", str(r.restarts_needed), "0", yes(r.restarts_needed == 0)),
        ("session failures / Qt-QML warnings", f"{len(r.failures)} / {len(r.qml_warnings)}", "0 / 0",
         yes(not r.failures and not r.qml_warnings)),
        ("simulated time", f"{r.simulated_hours:.1f} h", "", ""),
        ("wall time", f"{r.wall_s:.0f} s ({r.wall_s / max(1, r.sessions):.2f} s/session)", "", ""),
        ("RSS start / after warm-up / end / peak",
         f"{r.rss_start_mb:.0f} / {r.rss_warm_mb:.1f} / {r.rss_end_mb:.1f} / {r.rss_peak_mb:.1f} MB", "", ""),
        ("RSS growth after warm-up", f"{r.rss_growth_mb:+.1f} MB", f"≤ {MAX_RSS_GROWTH_MB:.0f} MB",
         yes(r.rss_growth_mb <= MAX_RSS_GROWTH_MB)),
        ("threads after warm-up / end", f"{r.threads_warm} / {r.threads_end}", "no growth",
         yes(r.threads_end <= r.threads_warm)),
        ("receipts printed / not printed (printer unplugged)",
         f"{r.receipts_printed} / {r.receipts_not_printed}", "", ""),
        ("ID reader unplug seen / back after replug",
         f"{r.reader_unplug_seen} / {_secs(r.reader_recovered_s)}", "seen / recovers",
         yes(r.reader_unplug_seen and r.reader_recovered_s is not None)),
        ("printer unplug seen / back after replug",
         f"{r.printer_unplug_seen} / {_secs(r.printer_recovered_s)}", "seen / recovers",
         yes(r.printer_unplug_seen and r.printer_recovered_s is not None)),
        ("network outage: sessions / peak queue", f"{r.outage_sessions} / {r.outage_peak_pending}", "", ""),
        ("network back: worker passes / virtual time / left",
         f"{r.drain_passes} / {r.drain_virtual_s:.0f} s / {r.pending_after_drain}", "drains to 0",
         yes(r.pending_after_drain == 0)),
        ("pending / failed at end", f"{r.pending_end} / {r.failed_end}", "0 / 0",
         yes(r.pending_end == 0 and r.failed_end == 0)),
        ("saved / received by platform / duplicates",
         f"{r.submissions_saved} / {r.platform_received} / {r.platform_duplicates}", "equal / 0",
         yes(r.submissions_saved == r.platform_received and r.platform_duplicates == 0)),
    ]
    widths = [max(len(row[c]) for row in rows) for c in range(4)]
    head = ("measure", "value", "target", "")
    widths = [max(w, len(h)) for w, h in zip(widths, head, strict=True)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines += [f"  {failure}" for failure in r.failures[:10]]
    lines += [f"  ID reader stayed dark after {stuck}" for stuck in r.reader_stuck]
    return "\n".join(lines)


def _secs(value: float | None) -> str:
    return "never" if value is None else f"{value:.1f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000, help="residents to serve (default 1000)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"soak: {args.sessions} sessions …", flush=True)
    result = run_soak(args.sessions, seed=args.seed, log=lambda text: print(text, flush=True))
    print(table(result))
    return 0 if result.ok() else 1


if __name__ == "__main__":
    sys.exit(main())

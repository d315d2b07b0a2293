"""Screen transition latency with the software renderer, and memory over 500 sessions.

1. Latency: from a tap (a real mouse click through the window) to the next frame swapped with the
   new screen (or the next question) on it, with QT_QUICK_BACKEND=software on the offscreen
   platform, as on a kiosk with no GPU. The journey is the end-to-end test's, by touch, on the demo
   station (pty reader and printer simulators, simulated camera, reference platform on
   127.0.0.1) over every shipped bundle. Baseline, measured in the same run: a bare QML Loader
   swapping two trivial pages on a tap, in a window of the same size. Target: p95 < 100 ms.

2. Memory: 500 sessions (card on the pty reader → a sample application of a bundle, in turn →
   save to the encrypted store → receipt printed on the pty printer simulator → rating → wipe),
   the kiosk's clock held still so no inactivity timeout fires, all under a real Qt event loop
   (QEventLoop + QTimer, as benchmarks/soak.py): only a running loop carries out `deleteLater`,
   so the screens the kiosk leaves are freed as under `app.exec()`; pumping `processEvents()`
   keeps every old screen alive (~1 MB a session), the harness's leak, not the kiosk's.
   Resident set size after session 1 and after warm-up against later sessions, freed heap handed
   back first (as the soak does). Baseline, measured in the same process before the kiosk is
   built: a bare QML Loader swapping two trivial pages as many times as the sessions change
   screens, under the same loop. Target: growth ≤ 10 MB.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_latency.py [--sessions 500] [--taps 60]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_QUICK_BACKEND"] = "software"

SCRATCH = Path(tempfile.mkdtemp(prefix="ui-latency-"))
os.environ["XDG_CONFIG_HOME"] = str(SCRATCH / "xdg")   # the pinyin keyboard's user dictionary

TARGET_P95_MS = 100.0
TARGET_GROWTH_MB = 10.0

BARE_LOADER = b"""
import QtQuick
Window {
    width: 1080; height: 1920; visible: true
    property bool second: false
    Component { id: one
        Rectangle { color: "white"; Text { anchors.centerIn: parent; text: "one"; font.pixelSize: 40 } } }
    Component { id: two
        Rectangle { color: "#eeeeee"; Text { anchors.centerIn: parent; text: "two"; font.pixelSize: 40 } } }
    Loader { objectName: "pages"; anchors.fill: parent; sourceComponent: second ? two : one }
    MouseArea { anchors.fill: parent; onClicked: second = !second }
}
"""


class Frames:
    """Counts the window's swapped frames and remembers when the last one was swapped."""

    def __init__(self, window) -> None:  # noqa: ANN001 - QQuickWindow
        self.count = 0
        self.last = 0.0
        window.frameSwapped.connect(self._swapped)

    def _swapped(self) -> None:
        self.count += 1
        self.last = time.perf_counter()


def click_to_frame(app, window, frames: Frames, point, changed,  # noqa: ANN001
                   pending=lambda: False) -> float | None:  # noqa: ANN001
    """Click at `point`; if `changed()` says the view moved on, the ms until the next frame.

    A click that starts a durable write first (用这张, 确认签名: `pending()` while it runs) moves
    the view on only once the write is done; that time counts, and only a frame swapped after the
    view changed shows the new screen."""
    from PySide6.QtCore import Qt

    seen = frames.count
    start = time.perf_counter()
    REAL_CLICK(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    deadline = start + 5.0
    if not changed():
        while pending() and not changed() and time.perf_counter() < deadline:
            seen = frames.count       # the change may come, and be drawn, within one pass
            app.processEvents()
            time.sleep(0)
        if not changed():
            return None
    while frames.count == seen and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0)                 # let the device threads (pty simulators, drivers) run
    return (frames.last - start) * 1000 if frames.count > seen else None


REAL_CLICK = None


def baseline(app, taps: int) -> list[float]:  # noqa: ANN001
    from PySide6.QtCore import QPoint, QUrl
    from PySide6.QtQml import QQmlApplicationEngine
    from PySide6.QtQuick import QQuickWindow
    from shiboken6 import Shiboken

    engine = QQmlApplicationEngine()
    engine.loadData(BARE_LOADER, QUrl())
    root = engine.rootObjects()[0]
    window = Shiboken.wrapInstance(Shiboken.getCppPointer(root)[0], QQuickWindow)
    frames = Frames(window)
    for _ in range(20):
        app.processEvents()
    times = []
    for _ in range(taps):
        before = root.property("second")
        ms = click_to_frame(app, window, frames, QPoint(540, 960),
                            lambda b=before: root.property("second") != b)
        if ms is not None:
            times.append(ms)
        for _ in range(3):
            app.processEvents()
    window.close()
    engine.deleteLater()
    app.processEvents()
    return times


class Waiter:
    """What the end-to-end helpers need of pytest-qt's qtbot, without pytest."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app

    def waitUntil(self, predicate, timeout: int = 5000) -> None:  # noqa: ANN001, N802 - qtbot's name
        deadline = time.monotonic() + timeout / 1000
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError("timed out")
            self.app.processEvents()
            time.sleep(0.002)


def journeys(app, rounds: int = 1) -> list[tuple[str, float]]:  # noqa: ANN001
    """Every shipped bundle by touch on the demo station; every click that moves the view on is
    timed to its next frame."""
    from PySide6.QtTest import QTest

    from tests.e2e import test_every_bundle as e2e

    recorded: list[tuple[str, float]] = []
    state: dict = {}

    def view(kiosk) -> tuple[str, str]:  # noqa: ANN001
        return kiosk.shell.property("screen"), kiosk.form.property("fieldId")

    def measured_click(window, button, modifiers, point) -> None:  # noqa: ANN001
        kiosk = state["kiosk"]
        before = view(kiosk)
        ms = click_to_frame(app, window, state["frames"], point, lambda: view(kiosk) != before,
                            lambda: kiosk.camera.property("saving") or kiosk.signature.property("saving"))
        if ms is not None:
            after = view(kiosk)
            same = after[0] == before[0] == "question"
            kind = "question → question" if same else f"{before[0]} → {after[0]}"
            recorded.append((kind, ms))

    QTest.mouseClick = staticmethod(measured_click)
    try:
        for index, bundle_id in enumerate(e2e.BUNDLES * rounds):
            station = e2e.Station(SCRATCH / f"journey{index}", Waiter(app))
            state["kiosk"], state["frames"] = station.kiosk, Frames(station.kiosk.window)
            try:
                reference, _, name = e2e.complete_by_touch(station, bundle_id)
                station.qtbot.waitUntil(lambda s=station: s.kiosk.submit.property("printState")
                                        in ("printed", "failed"), timeout=20_000)
                e2e.rate_and_finish(station.kiosk, station.qtbot, [name, reference])
            finally:
                station.close()
    finally:
        QTest.mouseClick = staticmethod(REAL_CLICK)
    return recorded


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def rss_mb(field: str = "VmRSS") -> float:
    """RSS (VmRSS), or its anonymous part (RssAnon: heap and stacks, without the pages of mapped
    files such as the CJK font, which grow as new characters are first drawn and which the kernel
    can drop at any time)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def forget_printed_pages(simulator) -> None:  # noqa: ANN001 - devices.printer.simulator.PrinterSimulator
    """The printer simulator keeps every page it printed (arrays and ESC/POS ops) for tests to
    inspect: the test double's memory, not the kiosk's (a real printer holds it on paper). Empty
    it once the receipt is out, so the figure is the kiosk's own growth."""
    simulator.pages.clear()
    del simulator.interpreter.ops[:simulator._consumed_ops]  # noqa: SLF001
    simulator._consumed_ops = 0  # noqa: SLF001
    simulator.interpreter.unknown.clear()


class LoopWaiter:
    """Waits by running a real Qt event loop (QEventLoop, a QTimer checking the condition), so
    deferred deletes run as under `app.exec()`. Has the `waitUntil` the end-to-end helpers use."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app

    def waitUntil(self, predicate, timeout: int = 5000) -> None:  # noqa: ANN001, N802 - qtbot's name
        from PySide6.QtCore import QEventLoop, QTimer

        if predicate():
            return
        deadline = time.monotonic() + timeout / 1000
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(2)
        timer.timeout.connect(lambda: loop.quit() if predicate() or time.monotonic() > deadline else None)
        timer.start()
        loop.exec()
        timer.stop()
        if not predicate():
            raise TimeoutError("timed out")

    def flush(self, ms: int = 20) -> None:
        """Run the loop for `ms` (queued signals, deferred deletes, a frame)."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()


def measured_rss() -> float:
    """RSS once garbage is collected and freed heap handed back to the OS (glibc keeps freed
    pages per thread arena): what is in use, not what the allocator keeps for later."""
    import contextlib
    import ctypes

    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return rss_mb()


SWAPS_PER_SESSION = 10     # attract, identified, choose, intro, materials, review, sign, saving, receipt…


def baseline_memory(app, count: int, checkpoints: set[int]) -> dict[int, float]:  # noqa: ANN001
    """RSS of a bare QML Loader after as many page swaps as `count` sessions make, under the same
    real event loop: the floor of Qt, QML and Python on this machine."""
    from PySide6.QtCore import QUrl
    from PySide6.QtQml import QQmlApplicationEngine

    engine = QQmlApplicationEngine()
    engine.loadData(BARE_LOADER, QUrl())
    root = engine.rootObjects()[0]
    wait = LoopWaiter(app)
    rows = {}
    for number in range(1, count + 1):
        for _ in range(SWAPS_PER_SESSION):
            root.setProperty("second", not root.property("second"))
            wait.flush(1)
        if number in checkpoints:
            engine.collectGarbage()
            wait.flush(5)
            rows[number] = measured_rss()
    root.close()
    engine.deleteLater()
    wait.flush(20)
    return rows


def sessions(app, count: int, warmup: int) -> list[tuple[int, float, int, float, int]]:  # noqa: ANN001
    """(session number, RSS MB, live Python objects, seconds so far, receipts printed)."""
    from forms.examples import example
    from kiosk.station.demo import demo_config
    from kiosk.ui.app import build
    from kiosk.ui.screenshots import sample_png
    from sync.store import Store
    from tests.e2e.test_every_bundle import BUNDLES, card_of
    from tests.ui.conftest import FakeClock

    config = demo_config(None, SCRATCH / "memory" / "data")
    store = Store.open(config.data_dir, config.key_dir)
    kiosk = build(config, voice_enabled=False, open_station_devices=True, allow_simulators=True,
                  store=store, clock=FakeClock())
    wait = LoopWaiter(app)
    reader = kiosk.station_devices.reader_simulator
    samples = [example(b, v) for b in BUNDLES for v in (0, 1)]
    checkpoints = checkpoints_for(count, warmup)
    rows = []
    printed = 0
    started = time.monotonic()
    try:
        wait.flush(200)
        wait.waitUntil(lambda: kiosk.devices.property("readerReady"), 10_000)
        for number in range(1, count + 1):
            sample = samples[(number - 1) % len(samples)]
            reader.place(card_of(sample["applicant"]))                    # identify: the card
            try:
                wait.waitUntil(lambda: kiosk.shell.property("screen") == "identified", 10_000)
            except TimeoutError:
                raise TimeoutError(f"session {number}: the card was not read "
                                   f"({kiosk.devices.health().get('id_reader')})") from None
            reader.lift()
            kiosk.shell.forward()                                         # 开始办事
            wait.flush(5)
            kiosk.bundles.choose(sample["bundle_id"])                     # 办理须知
            wait.flush(5)
            form = kiosk.journey.form                                     # a sample application
            kiosk.session.start_form()
            for field_id, value in sample["answers"].items():
                if kiosk.journey.bundle.field(field_id).type not in ("signature", "scan"):
                    form.answer(field_id, value)
            for line in form.materials():
                status = ("held_by_government" if line.can_fetch else "deferred" if line.can_defer
                          else "provided")
                papers = ([kiosk.journey.put_attachment(sample_png(line.material_id))]
                          if status == "provided" else [])
                form.set_material(line.material_id, status, papers)
            for screen in ("materials", "review", "sign"):
                kiosk.shell.jump(screen)
                wait.flush(5)
            kiosk.journey.sign(sample_png())
            kiosk.shell.forward()                                         # save
            wait.waitUntil(lambda: kiosk.shell.property("screen") == "receipt", 15_000)
            wait.waitUntil(lambda: kiosk.submit.property("printState") in ("printed", "not_printed"), 15_000)
            printed += kiosk.submit.property("printState") == "printed"
            forget_printed_pages(kiosk.station_devices.printer_simulator)
            kiosk.shell.forward()                                         # rate
            kiosk.rating.choose(4)
            kiosk.rating.submit()
            wait.waitUntil(lambda: kiosk.rating.property("state") == "thanked", 10_000)
            kiosk.rating.done()                                           # wipe
            wait.waitUntil(lambda: kiosk.shell.property("screen") == "attract", 5_000)
            wait.flush(10)
            if kiosk.journey.form is not None:
                raise AssertionError(f"session {number}: not wiped")
            if number in checkpoints:
                kiosk.engine.collectGarbage()
                wait.flush(20)
                rows.append((number, measured_rss(), rss_mb("RssAnon"), len(gc.get_objects()),
                             time.monotonic() - started,
                             printed))
        warnings = list(kiosk.qml_warnings)
    finally:
        kiosk.shutdown()
        store.close()
    if warnings:
        print("Qt/QML warnings:\n" + "\n".join(warnings), file=sys.stderr)
    return rows


def checkpoints_for(count: int, warmup: int) -> set[int]:
    return {n for n in (1, warmup, 50, 100, 200, 300, 400, count) if 1 <= n <= count}


KEEP: list = []

PROBE_QML = b"""
import QtQuick
Window { width: 400; height: 400; visible: true
         Column { Repeater { model: probe.asList; Text { text: modelData.name } }
                  Repeater { model: probe.asJson; Text { text: modelData.name } } } }
"""


def conversion_probe(app, reads: int = 600) -> None:  # noqa: ANN001
    """Why memory grows: QML reading a Python list of dicts through a Property, as the
    view-models publish `items`, `review`, `options`…, against the same records as a QJsonArray
    built once. Each read of the first converts the list again."""
    import json

    from PySide6.QtCore import Property, QJsonDocument, QObject, QUrl, Signal
    from PySide6.QtQml import QQmlApplicationEngine

    records = [{"id": f"m{i}", "name": "居民户口簿", "ok": True, "n": i} for i in range(20)]
    array = QJsonDocument.fromJson(json.dumps(records).encode()).array()

    class Probe(QObject):
        changed = Signal()
        which = "none"
        asList = Property(list, lambda self: records if self.which == "list" else [], notify=changed)
        asJson = Property("QJsonArray", lambda self: array if self.which == "json" else Probe.EMPTY,
                          notify=changed)
        EMPTY = QJsonDocument.fromJson(b"[]").array()

    probe = Probe()
    engine = QQmlApplicationEngine()
    engine.rootContext().setContextProperty("probe", probe)
    engine.loadData(PROBE_QML, QUrl())
    print(f"Property conversion probe: QML reads a list of 20 dicts {reads} times (RSS growth, MB)")
    for which in ("list", "json"):
        probe.which = which
        gc.collect()
        before = rss_mb()
        for _ in range(reads):
            probe.changed.emit()
            app.processEvents()
        gc.collect()
        label = "Python list of dicts (Property(list))" if which == "list" else "QJsonArray built once"
        print(f"  {label:<40}{rss_mb() - before:>8.1f}")
    KEEP.append((engine, probe))     # alive until the process ends (os._exit: no teardown)
    print(flush=True)


def main() -> None:
    global REAL_CLICK
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--taps", type=int, default=60, help="baseline taps")
    parser.add_argument("--rounds", type=int, default=1,
                        help="journeys over every bundle this many times (more samples per transition)")
    parser.add_argument("--part", choices=["all", "latency", "memory"], default="all")
    args = parser.parse_args()

    from PySide6.QtGui import QGuiApplication
    from PySide6.QtQuick import QQuickWindow
    from PySide6.QtTest import QTest

    REAL_CLICK = QTest.mouseClick
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    if args.part in ("all", "latency"):
        latency_table(app, args.taps, QQuickWindow.sceneGraphBackend() or "software", args.rounds)
        conversion_probe(app)
    if args.part == "all":        # memory in a fresh process: nothing left over from the journeys
        import subprocess

        subprocess.run([sys.executable, __file__, "--part", "memory", "--sessions", str(args.sessions)],
                       check=False, timeout=3600)
    elif args.part == "memory":
        memory_table(app, args.sessions)


def latency_table(app, taps: int, backend: str, rounds: int = 1) -> None:  # noqa: ANN001
    base = baseline(app, taps)
    recorded = journeys(app, rounds)
    print(f"renderer: {backend}; platform: {app.platformName()}\n")
    base_p50, base_p95 = percentile(base, 0.5), percentile(base, 0.95)
    print("Screen transition latency, tap → next frame swapped (ms)")
    print(f"{'transition':<34}{'n':>5}{'p50':>9}{'p95':>9}{'max':>9}{'p95/base':>10}")
    groups: dict[str, list[float]] = {}
    for kind, ms in recorded:
        groups.setdefault(kind, []).append(ms)
    lines = [("baseline: bare Loader swap", base)]
    lines += sorted(groups.items(), key=lambda kv: -percentile(kv[1], 0.95))
    lines.append(("ALL kiosk transitions", [ms for _, ms in recorded]))
    for label, values in lines:
        p95 = percentile(values, 0.95)
        print(f"{label:<34}{len(values):>5}{percentile(values, 0.5):>9.1f}{p95:>9.1f}"
              f"{max(values):>9.1f}{p95 / base_p95:>10.1f}")
    kiosk_p95 = percentile([ms for _, ms in recorded], 0.95)
    print(f"\nkiosk p95 {kiosk_p95:.1f} ms (baseline p50 {base_p50:.1f}, p95 {base_p95:.1f}); "
          f"target p95 < {TARGET_P95_MS:.0f} ms: {'PASS' if kiosk_p95 < TARGET_P95_MS else 'FAIL'}\n",
          flush=True)


def memory_table(app, count: int) -> None:  # noqa: ANN001
    from tests.e2e.test_every_bundle import BUNDLES

    warmup = min(count, 2 * len(BUNDLES))    # warm-up: every sample application once (QML types,
                                             # glyphs, the catalogue's forms meet their first use)
    base = baseline_memory(app, count, checkpoints_for(count, warmup))
    rows = sessions(app, count, warmup)
    first = rows[0][1]
    warm = next(mb for number, mb, *_ in rows if number == warmup)
    base_first = base[1]
    print(f"Memory over {count} sessions (card → application → save → receipt → rating → wipe), "
          f"real event loop; warm-up: the first {warmup} (every sample application once)")
    anon_first = rows[0][2]
    anon_warm = next(anon for number, _, anon, *_ in rows if number == warmup)
    print(f"{'session':>8}{'RSS MB':>10}{'growth MB':>11}{'after warm-up':>15}{'anon growth':>13}"
          f"{'base growth':>13}{'RSS/base':>10}{'py objects':>12}{'elapsed s':>11}{'printed':>9}")
    for number, mb, anon, objects, elapsed, printed in rows:
        after = f"{mb - warm:>15.1f}" if number >= warmup else f"{'':>15}"
        print(f"{number:>8}{mb:>10.1f}{mb - first:>11.1f}{after}{anon - anon_first:>13.1f}"
              f"{base[number] - base_first:>13.1f}{mb / base[number]:>10.2f}{objects:>12}{elapsed:>11.1f}"
              f"{printed:>9}")
    growth, after_warm = rows[-1][1] - first, rows[-1][1] - warm
    anon_growth, anon_after_warm = rows[-1][2] - anon_first, rows[-1][2] - anon_warm
    per_100 = after_warm / max(1, rows[-1][0] - warmup) * 100

    def verdict(mb: float) -> str:
        return "PASS" if mb <= TARGET_GROWTH_MB else "FAIL"
    print(f"\nbaseline: bare QML Loader, {SWAPS_PER_SESSION} page swaps per session under the same loop "
          f"(RSS {base_first:.1f} → {base[count]:.1f} MB)")
    print(f"growth after {rows[-1][0]} sessions: {growth:.1f} MB over session 1; {after_warm:.1f} MB after "
          f"warm-up ({per_100:.2f} MB per 100 sessions; baseline {base[count] - base_first:.1f} MB); "
          f"target ≤ {TARGET_GROWTH_MB:.0f} MB: over session 1 {verdict(growth)}, "
          f"after warm-up {verdict(after_warm)}")
    print(f"anonymous memory (RssAnon: heap, no mapped font pages): {anon_growth:.1f} MB over session 1 "
          f"({verdict(anon_growth)}), {anon_after_warm:.1f} MB after warm-up ({verdict(anon_after_warm)})",
          flush=True)


if __name__ == "__main__":
    code = 0
    try:
        main()
    except Exception:  # noqa: BLE001 - printed, then the process ends without Qt's teardown
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        import shutil

        shutil.rmtree(SCRATCH, ignore_errors=True)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)   # measured already; skip Qt's teardown order

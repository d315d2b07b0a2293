"""Cold start to the first painted frame: the kiosk's attract screen against a bare QML window.

Each run is a new process (so imports and QML compilation are paid every time, as at boot). The
clock starts in the parent just before the process is spawned and stops when the child's window
has swapped its first frame. The baseline is the smallest PySide6 program that shows a QML
window with one line of text, measured in the same run. Target: ratio ≤ 2.0.

    .venv/bin/python benchmarks/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE_QML = b"""
import QtQuick
Window { width: 1080; height: 1920; visible: true
         Text { anchors.centerIn: parent; text: "hello"; font.pixelSize: 40 } }
"""


def child(kind: str) -> None:
    start = float(os.environ["BENCH_T0"])
    if kind == "kiosk":
        sys.path.insert(0, str(ROOT))
        from kiosk.station.config import defaults
        from kiosk.ui.app import build

        kiosk = build(defaults(), voice_enabled=False)
        app, window = kiosk.app, kiosk.window
    else:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtQml import QQmlApplicationEngine
        from PySide6.QtQuick import QQuickWindow
        from shiboken6 import Shiboken

        app = QGuiApplication(sys.argv[:1])
        engine = QQmlApplicationEngine()
        engine.loadData(BARE_QML, QUrl())
        root = engine.rootObjects()[0]
        window = Shiboken.wrapInstance(Shiboken.getCppPointer(root)[0], QQuickWindow)

    def first_frame() -> None:
        print(f"{time.time() - start:.6f}", flush=True)
        app.quit()

    window.frameSwapped.connect(first_frame)
    window.update()
    app.exec()
    os._exit(0)   # measured already; skip the teardown


def measure(kind: str, pycache: str) -> float:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A station runs from compiled bytecode (the installer byte-compiles, as pip does for PySide6),
    # so both programs get a bytecode cache, written by the warm-up run and read by the measured
    # ones — even where PYTHONDONTWRITEBYTECODE is set for development.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    env["BENCH_T0"] = repr(time.time())
    out = subprocess.run([sys.executable, __file__, "--child", kind], env=env, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", choices=["bare", "kiosk"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    with tempfile.TemporaryDirectory(prefix="startup-pycache-") as pycache:
        times: dict[str, list[float]] = {"bare": [], "kiosk": []}
        for kind in times:   # warm the OS file cache and write the bytecode cache, for both
            measure(kind, pycache)
        for _ in range(args.runs):   # interleaved, so drift in machine load hits both alike
            for kind in times:
                times[kind].append(measure(kind, pycache))
    bare = statistics.median(times["bare"])
    print(f"platform: {os.environ.get('QT_QPA_PLATFORM', 'offscreen')}, runs: {args.runs}")
    print(f"| {'program':<32} | {'median s':>8} | {'min s':>6} | {'max s':>6} | {'ratio':>5} |")
    print(f"|{'-' * 34}|{'-' * 10}|{'-' * 8}|{'-' * 8}|{'-' * 7}|")
    for kind, label in (("bare", "bare PySide6 QML window"), ("kiosk", "kiosk attract screen")):
        values = times[kind]
        median = statistics.median(values)
        print(f"| {label:<32} | {median:8.3f} | {min(values):6.3f} | {max(values):6.3f} | "
              f"{median / bare:5.2f} |")
    ratio = statistics.median(times["kiosk"]) / bare
    print(f"target ≤ 2.0×: {'met' if ratio <= 2.0 else 'NOT met'} ({ratio:.2f}×)")


if __name__ == "__main__":
    main()

"""Demo mode: the configuration for a machine with no hardware and no platform.

Why a separate config rather than flags sprinkled through the code: demo is just another
station configuration (simulated devices, the reference platform on loopback, a throw-away data
directory), so the kiosk runs the same code paths as in the field.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from kiosk.station.config import Config, defaults


def demo_config(config: Config | None, data_dir: Path | None) -> Config:
    base = config if config is not None and config.source is not None else defaults()
    if data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    key_dir = data_dir.parent / (data_dir.name + "-keys")
    return base.with_overrides({
        "station": {"name": "南湖街道政务服务驿站（演示）"},
        "paths": {"data_dir": str(data_dir), "key_dir": str(key_dir)},
        "devices": {"id_reader": "simulator", "receipt_printer": "simulator", "camera": "simulator",
                    "qr_camera": "simulator", "a4_printer": "pdf"},
        "ui": {"fullscreen": False},
    })

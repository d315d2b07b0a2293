"""`main.py sync --forever` (the station run headless, no kiosk) reports to the fleet console as
the kiosk does, from its own thread: a real console on 127.0.0.1 records the report while the
reference platform gets the deliveries; and a console that takes the connection and never
answers holds up nothing but its own report."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from console.store import Store
from kiosk.station.version import app_version
from sync import enrollment, signing
from sync.documents import catalogue_in_use
from tests.console.helpers import running_console
from tests.sync.helpers import enrolled_store, new_store, sample_payload, start_platform

REPO = Path(__file__).resolve().parents[2]
STATION = "210124-0009"


def _station_toml(tmp_path: Path, console_url: str) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(f'[station]\nid = "{STATION}"\n\n[console]\nurl = "{console_url}"\ninterval_s = 30\n',
                    encoding="utf-8")
    return path


def _forever(tmp_path: Path, config: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "main.py", "sync", "--forever", "--poll", "0.2", "--config", str(config),
         "--data-dir", str(tmp_path / "kiosk-data"), "--key-dir", str(tmp_path / "kiosk-keys")],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "Traceback" not in err, err
    return err


def _until(done, what: str, limit_s: float = 90) -> None:  # noqa: ANN001
    """Wait for a condition the processes bring about (no timing is asserted: the limit only
    keeps a broken run from hanging)."""
    deadline = time.monotonic() + limit_s
    while not done():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.2)


def test_sync_forever_sends_the_fleet_report_beside_delivery(tmp_path: Path, sqlite_store: Store) -> None:
    platform = start_platform(tmp_path / "platform")
    try:
        store, key_dir = enrolled_store(tmp_path, platform, station_id=STATION)
        store.submit(sample_payload("1"))
        key = enrollment.station_key(key_dir)
        store.close()
        sqlite_store.upsert_station(STATION, signing.b64(signing.raw_public(key.public_key())), "210124",
                                    township="叶茂台镇", name="叶茂台镇政务服务驿站")
        with running_console(sqlite_store) as base:
            proc = _forever(tmp_path, _station_toml(tmp_path, base))
            try:
                _until(lambda: len(platform.service.submissions()) == 1, "the application delivered")
                _until(lambda: sqlite_store.station(STATION)["last_seen"] is not None, "a report recorded")
            finally:
                _stop(proc)
    finally:
        platform.server.shutdown()
        platform.server.server_close()
    row = sqlite_store.station(STATION)
    assert row["label"] == "正常" and row["queue_pending"] == 0
    assert row["software_version"] == app_version()
    assert row["catalogue_version"] == catalogue_in_use(None).version
    assert row["devices"] == {}                   # headless: no device is claimed either way
    report = sqlite_store.station_history(STATION)[0]["report"]
    assert report["station_id"] == STATION and report["figures"]["submissions"] == {"newborn": 1}


@contextmanager
def _silent_console() -> Iterator[tuple[str, list[socket.socket]]]:
    """A 'console' that accepts connections and never answers a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/api/v1", held
    finally:
        stop.set()
        thread.join(timeout=10)
        for conn in held:
            conn.close()
        server.close()


def _queue_add(tmp_path: Path, config: Path) -> str:
    from PIL import Image

    from forms.examples import example

    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(example("newborn", 2), ensure_ascii=False), encoding="utf-8")
    signature = tmp_path / "signature.png"          # variant 2 promises a paper: 告知承诺 needs one
    Image.new("1", (240, 80), 1).save(signature)
    done = subprocess.run(
        [sys.executable, "main.py", "queue", "add", "--bundle", "newborn", "--answers", str(answers),
         "--signature", str(signature), "--config", str(config), "--data-dir", str(tmp_path / "kiosk-data"),
         "--key-dir", str(tmp_path / "kiosk-keys")],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_console_that_never_answers_holds_up_only_its_report(tmp_path: Path) -> None:
    platform = start_platform(tmp_path / "platform")
    try:
        store, _key_dir = enrolled_store(tmp_path, platform, station_id=STATION)
        store.close()
        with _silent_console() as (url, held):
            config = _station_toml(tmp_path, url)
            proc = _forever(tmp_path, config)
            try:
                _until(lambda: held, "the report's connection taken and left unanswered")
                ref = _queue_add(tmp_path, config)          # added while the report hangs
                _until(lambda: any(s["local_reference"] == ref for s in platform.service.submissions()),
                       "the application delivered while the report waits")
            finally:
                _stop(proc)
    finally:
        platform.server.shutdown()
        platform.server.server_close()
    store, _ = new_store(tmp_path)
    try:
        assert store.unsent_fleet_report() is not None     # kept for when the console answers
    finally:
        store.close()

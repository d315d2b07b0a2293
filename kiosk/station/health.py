"""A local health endpoint: `GET http://127.0.0.1:<port>/health` answers how the kiosk is doing.

Why: the county's monitoring (and a technician on the phone) needs to know, without touching the
screen, whether a station is well: are the devices there, is anything waiting to be delivered and
for how long, is the disk filling, when did the last sync succeed. It listens on loopback only:
the county's agent runs on the station PC or reaches it through its own tunnel, never through a
port open to the village network.

Why the stdlib server: one small JSON document on a daemon thread, no dependency to ship to UOS,
Kylin or Windows. The numbers come from a `snapshot` supplier the composition root passes in, so
this module knows nothing of the queue or the drivers. The supplier is called on the server's
thread: it must be thread-safe (read SQLite through its own connection, or return a copy of state
the GUI thread keeps; `SnapshotCache` does the latter).

The document (every key always present; null where a value is not known, never a guessed 0):

    {"status": "ok" | "degraded" | "error", "problems": ["…"], "version": "0.1.0",
     "station_id": "210102-0001", "data_dir": "/var/lib/station-kiosk", "pid": 1234,
     "time": "2026-11-28T01:00:00+08:00", "uptime_s": 12.5,
     "devices": {"id_reader": {"state": "ok", …}, …},
     "queue": {"pending": 3, "failed": 0, "oldest_age_s": 420.0},
     "disk": {"path": "/var/lib/station-kiosk", "free_bytes": …, "total_bytes": …},
     "last_sync": {"at": "2026-11-28T00:55:00+08:00", "age_s": 300.0},
     "catalogue": {"version": "2026.11.1", "downloaded": "2026.11.2" | null},
     "enrollment": {"enrolled": true, "station_id": "210102-0001", "platform_url": "…"},
     "min_app_version": "0.1.0" | null,      # from the platform's last heartbeat answer
     "install": {"root": "/opt/station-kiosk", "running": "0.1.0", "current": "0.2.0",
                 "previous": "0.1.0", "on_trial": true, "last_rollback": {…} | null} | null}
                                             # null when not running from ROOT/versions/<v>

`data_dir` and `pid` name the process that answers: `main.py status` for one data directory takes
device states only from a kiosk serving that same directory, never from another kiosk that holds
the port. `storage` carries the store's own problems (a damaged database, the audit anchor), which
make the status "degraded".

A running version lower than `min_app_version` makes the status "degraded" with the reason
"软件版本过旧，平台要求至少 X" (staff only: residents never see versions).

What the supplier returns (any key may be missing; missing means "not known"):

    {"devices": {"id_reader": {"state": "ok"}, "receipt_printer": {"state": "no_paper"}},
     "queue": {"pending": 3, "failed": 0, "oldest_age_s": 420.0},
     "last_sync_at": 1795830000.0,          # epoch seconds of the last successful sync, or None
     "catalogue": {...}, "enrollment": {...},   # passed through as given (kiosk.station.status)
     "min_app_version": "0.2.0",            # the platform's last heartbeat answer, or None
     "install": {...}}                      # kiosk.station.status.install_facts

HTTP 200 when status is ok or degraded (the answer itself is healthy), 503 when the supplier
failed. Thresholds for "degraded" are arguments, so the county can tune them in station.toml.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Snapshot = Callable[[], dict]


class SnapshotCache:
    """A thread-safe holder: the GUI thread `update()`s it, the health server reads it.

    For state that lives in Qt objects (device status shown on screen), which must not be read
    from another thread."""

    def __init__(self, initial: dict | None = None) -> None:
        self._lock = threading.Lock()
        self._value: dict = dict(initial or {})

    def update(self, **parts: Any) -> None:
        with self._lock:
            self._value.update(parts)

    def __call__(self) -> dict:
        with self._lock:
            return json.loads(json.dumps(self._value, default=str))  # a deep, JSON-clean copy


def _version_key(version: str) -> tuple:
    parts = re.findall(r"[0-9]+|[^0-9.\-_+]+", str(version))
    return tuple((0, int(p), "") if p.isascii() and p.isdigit() else (1, 0, p) for p in parts)


def version_older(version: str | None, minimum: str | None) -> bool:
    """True when `version` is lower than `minimum`, numbers compared as numbers (0.1.9 < 0.1.10),
    the same order `sync.documents.version_key` gives updates. Unknown on either side: False —
    a warning needs a fact. Why not `packaging.version`: it is not one of the kiosk's declared
    dependencies, and station versions are plain dotted numbers."""
    if not version or not minimum:
        return False
    return _version_key(version) < _version_key(minimum)


def outdated_reason(version: str | None, minimum: str | None) -> str | None:
    """The staff-facing reason (Chinese) when this software is older than the platform allows."""
    if not version_older(version, minimum):
        return None
    return f"软件版本过旧，平台要求至少 {minimum}（本机 {version}），请联系县级运维更新"


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).astimezone().isoformat(timespec="seconds")


class HealthReport:
    """Builds the document from the supplier, the disk and the clock (no HTTP here, so the staff
    command and the server print the very same thing)."""

    def __init__(self, snapshot: Snapshot, *, version: str, station_id: str, data_dir: Path,
                 min_free_bytes: int = 500 * 1024 * 1024, max_queue_age_s: float = 24 * 3600,
                 max_sync_age_s: float = 24 * 3600, recent_rollback_s: float = 7 * 86400,
                 clock: Callable[[], float] = time.time) -> None:
        self.snapshot = snapshot
        self.version = version
        self.station_id = station_id
        self.data_dir = Path(data_dir)
        self.min_free_bytes = min_free_bytes
        self.max_queue_age_s = max_queue_age_s
        self.max_sync_age_s = max_sync_age_s
        self.recent_rollback_s = recent_rollback_s     # a rollback is reported this long
        self._clock = clock
        self._started = clock()

    def build(self) -> dict:
        now = self._clock()
        document: dict[str, Any] = {
            "status": "ok", "problems": [], "version": self.version, "station_id": self.station_id,
            "data_dir": str(self.data_dir.resolve()), "pid": os.getpid(), "time": _iso(now),
            "uptime_s": round(now - self._started, 1),
            "devices": {}, "queue": {"pending": None, "failed": None, "oldest_age_s": None},
            "disk": self._disk(), "last_sync": {"at": None, "age_s": None},
            "catalogue": {"version": None, "downloaded": None},
            "enrollment": {"enrolled": None, "station_id": None, "platform_url": None},
            "min_app_version": None, "install": None, "update_refused": None,
        }
        try:
            supplied = self.snapshot()
            if not isinstance(supplied, dict):
                raise TypeError(f"snapshot returned {type(supplied).__name__}, not dict")
        except Exception as exc:
            log.exception("health snapshot failed")
            document["status"] = "error"
            document["problems"].append(f"无法读取运行状态：{type(exc).__name__}")
            return document

        document["devices"] = dict(supplied.get("devices") or {})
        queue = supplied.get("queue") or {}
        document["queue"] = {"pending": queue.get("pending"), "failed": queue.get("failed"),
                             "oldest_age_s": queue.get("oldest_age_s")}
        for part in ("catalogue", "enrollment"):
            document[part].update(supplied.get(part) or {})
        storage = [str(p) for p in supplied.get("storage_problems") or [] if p]
        document["install"] = supplied.get("install") or None
        document["update_refused"] = supplied.get("update_refused") or None
        minimum = supplied.get("min_app_version")
        document["min_app_version"] = str(minimum) if minimum else None
        last_sync_at = supplied.get("last_sync_at")
        if last_sync_at is not None:
            document["last_sync"] = {"at": _iso(last_sync_at), "age_s": round(now - last_sync_at, 1)}
        document["problems"] = storage + self._problems(document)
        if document["problems"]:
            document["status"] = "degraded"
        return document

    def _disk(self) -> dict:
        try:
            usage = shutil.disk_usage(self.data_dir)
        except OSError:
            return {"path": str(self.data_dir), "free_bytes": None, "total_bytes": None}
        return {"path": str(self.data_dir), "free_bytes": usage.free, "total_bytes": usage.total}

    def _problems(self, document: dict) -> list[str]:
        problems = []
        outdated = outdated_reason(self.version, document["min_app_version"])
        if outdated:
            problems.append(outdated)
        problems += self._install_problems(document["install"] or {})
        if not document["devices"]:
            problems.append("没有设备状态报告")
        if document["queue"]["failed"]:
            problems.append(f"{document['queue']['failed']} 件发送失败，等待工作人员处理")
        if document["enrollment"]["enrolled"] is False:
            problems.append("本机尚未在省平台注册，申请只保存在本机")
        if document["queue"]["pending"] is None:
            problems.append("待发队列状态未知")
        for name, device in document["devices"].items():
            state = device.get("state") if isinstance(device, dict) else device
            if state not in ("ok", "ready", "idle", "simulated"):
                problems.append(f"设备 {name} 状态：{state}")
        free = document["disk"]["free_bytes"]
        if free is None:
            problems.append(f"无法读取数据目录 {self.data_dir} 的磁盘空间")
        elif free < self.min_free_bytes:
            problems.append(f"磁盘剩余空间不足：{free // (1024 * 1024)} MB")
        oldest = document["queue"]["oldest_age_s"]
        if oldest is not None and oldest > self.max_queue_age_s:
            problems.append(f"最早一件待发材料已等待 {oldest / 3600:.1f} 小时")
        age = document["last_sync"]["age_s"]
        if age is not None and age > self.max_sync_age_s:
            problems.append(f"已 {age / 3600:.1f} 小时未与省平台同步成功")
        return problems


    def _install_problems(self, install: dict) -> list[str]:
        problems = []
        if install.get("current") and install.get("running") and install["current"] != install["running"]:
            problems.append(f"已安装版本 {install['current']}，但运行的仍是 {install['running']}："
                            "重启服务后生效（systemctl restart station-kiosk）")
        rolled = install.get("last_rollback") or {}
        at = rolled.get("at")
        if isinstance(at, int | float) and self._clock() - at < self.recent_rollback_s:
            problems.append(f"{_iso(at)} 从版本 {rolled.get('from')} 退回了 {rolled.get('to')}："
                            f"{rolled.get('reason')}")
        return problems


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "station-kiosk-health"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 - the http.server naming
        path = self.path.split("?", 1)[0]
        if path not in ("/health", "/health/"):
            self._send(404, {"error": "not found", "see": "/health"})
            return
        document = self.server.report.build()
        self._send(503 if document["status"] == "error" else 200, document)

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def _send(self, code: int, body: dict) -> None:
        data = json.dumps(body, ensure_ascii=False, indent=1, default=str).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        log.debug("health %s - " + format, self.client_address[0], *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], report: HealthReport) -> None:
        self.report = report
        super().__init__(address, _Handler)


class HealthServer:
    """The endpoint on a daemon thread. `start()`, then `url`; `stop()` when the kiosk quits.

    Port 0 takes a free port (tests). A port already in use raises OSError from `start()`; the
    caller logs it and runs on without the endpoint rather than refusing to serve residents."""

    def __init__(self, report: HealthReport, host: str = "127.0.0.1", port: int = 0) -> None:
        if not ip_address(host).is_loopback:
            raise ValueError(f"the health endpoint listens on loopback only, not {host}")
        self.report = report
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> HealthServer:
        self._server = _Server(self._address, self.report)
        self._thread = threading.Thread(target=self._server.serve_forever, name="health-http",
                                        kwargs={"poll_interval": 0.5}, daemon=True)
        self._thread.start()
        log.info("health endpoint on %s", self.url)
        return self

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("health server not started")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self._address[0]}:{self.port}/health"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

"""The console as one WSGI application: the station report API and the pages.

Why Flask served by waitress: a well-kept, small engine that runs the same on a county's Windows
or Linux PC and behind a province's load balancer; waitress is pure Python with a thread pool, so
nothing to compile on the domestic distributions. The app holds no state of its own beyond the
store's connections and the ingest writer, so several processes can serve one PostgreSQL database.

A load balancer in front must pass the request path unchanged: the station signs it.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, jsonify, request

from console.ingest import MAX_BODY, Ingest, Refused
from console.store import Store

log = logging.getLogger(__name__)
API = "/api/v1"


def create_app(store: Store, ingest: Ingest | None = None) -> Flask:
    """The Flask app: `/api/v1/reports` (console_api.yaml), `/api/v1/health`, and the pages of
    `console.web.create_blueprint(store)` at `/` when that package is present."""
    app = Flask("console")
    app.config["STORE"] = store
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    app.json.ensure_ascii = False
    ingest = ingest or Ingest(store)
    app.config["INGEST"] = ingest

    @app.get(f"{API}/health")
    def health() -> Any:
        try:
            store.query("SELECT 1 AS ok")
        except Exception:
            return _json(503, {"error": "database_unavailable", "message": "管控平台的数据库暂时无法访问。"})
        return _json(200, {"ok": True})

    @app.errorhandler(404)
    def not_found(_exc: Exception) -> Any:
        if request.path.startswith(API + "/"):
            return _json(404, {"error": "not_found", "message": "没有这个接口。"})
        return "没有这个页面。", 404, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(405)
    def not_allowed(_exc: Exception) -> Any:
        return _json(405, {"error": "method_not_allowed", "message": "此接口不接受这种请求方法。"})

    @app.errorhandler(413)
    def too_large(_exc: Exception) -> Any:
        return _json(413, {"error": "too_large", "message": "请求太大。"})

    from console.artifacts import register_routes  # GET /api/v1/artifacts/<sha256> (signed)

    register_routes(app, store, ingest)
    if _has_web():
        from console import web

        app.register_blueprint(web.create_blueprint(store))
    app.wsgi_app = ReportsEndpoint(app.wsgi_app, ingest)  # type: ignore[method-assign]
    return app


class ReportsEndpoint:
    """POST /api/v1/reports as plain WSGI in front of Flask. Why: it is the one hot path (200
    reports a second, 2 000 at the target), and Flask's request and response objects cost about
    as much CPU as verifying the report; everything else goes on to Flask."""

    def __init__(self, inner: Callable, ingest: Ingest) -> None:
        self.inner = inner
        self.ingest = ingest

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        if path != f"{API}/reports" or environ.get("REQUEST_METHOD") != "POST":
            return self.inner(environ, start_response)
        status, body, extra = self._handle(environ, path)
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        start_response(
            f"{status} {_REASONS.get(status, 'Error')}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(data))), *extra],
        )
        return [data]

    def _handle(
        self, environ: dict[str, Any], path: str
    ) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            return 413, {"error": "too_large", "message": "报告超过 64 KiB。"}, []
        body = environ["wsgi.input"].read(length) if length else b""
        query = environ.get("QUERY_STRING", "")
        target = path + (f"?{query}" if query else "")
        headers = {name: environ.get(key, "") for name, key in _IDENTITY_HEADERS}
        try:
            return 200, self.ingest.accept("POST", target, headers, body), []
        except Refused as exc:
            return exc.status, exc.body(), []
        except Exception:  # the database refused (or took too long): the station sends it later
            log.exception("recording a report failed")
            return (
                503,
                {"error": "busy", "message": "管控平台暂时无法记录报告，请稍后再发。"},
                [("Retry-After", "30")],
            )


_IDENTITY_HEADERS = (
    ("X-Station-Id", "HTTP_X_STATION_ID"),
    ("X-Timestamp", "HTTP_X_TIMESTAMP"),
    ("X-Content-SHA256", "HTTP_X_CONTENT_SHA256"),
    ("X-Signature", "HTTP_X_SIGNATURE"),
)
_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    413: "Payload Too Large",
    503: "Service Unavailable",
}


def _has_web() -> bool:
    """The pages exist once console/web defines create_blueprint (built by console-web)."""
    if importlib.util.find_spec("console.web") is None:
        return False
    from console import web

    return hasattr(web, "create_blueprint")


def _json(status: int, body: dict[str, Any]) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response


def make_server(app: Flask, host: str, port: int, threads: int = 8, sock: socket.socket | None = None) -> Any:
    """A bound waitress server (`.run()` serves until interrupted, `.close()`); OSError when the
    address is taken or not this machine's. Port 0 picks a free one (`.effective_port`). `sock`:
    serve a listening socket bound elsewhere instead (`listening_socket`; the workers of
    `main.py console --workers N` share one)."""
    from waitress.server import create_server

    # waitress logs a warning for every request that waits for a free thread: under a burst of
    # station reports that is thousands of log lines a second, costing the CPU the reports need
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    if sock is not None:
        return create_server(app, sockets=[sock], threads=threads, ident="console")
    return create_server(app, host=host, port=port, threads=threads, ident="console")


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound and listening on host:port (port 0: a free one), for worker processes
    to share: the kernel hands each new connection to whichever worker accepts it first.
    OSError when the address is taken or not this machine's."""
    sock = socket.create_server((host, port), backlog=1024)
    sock.setblocking(False)
    return sock


def stop_server(server: Any) -> None:
    """Ask a server running `.run()` in another thread to stop: its own loop closes every socket
    (waitress has no stop call; closing from outside the loop races its select)."""
    from waitress import wasyncore

    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))  # noqa: SLF001 - the loop's map


def start_offline_sweeper(store: Store, every_s: float = 60.0) -> threading.Event:
    """Each minute, open `offline` alerts for stations silent over an hour (Store.sweep_offline:
    idempotent, so every console process runs its own); each hour, thin the report history
    (Store.prune_reports). Set the returned event to stop it."""
    stop = threading.Event()

    def run() -> None:
        rounds = 0
        while not stop.wait(every_s):
            rounds += 1
            try:
                store.sweep_offline()
                if rounds % 60 == 1:  # hourly: the history thinned (Store.prune_reports)
                    store.prune_reports()
            except Exception:  # the database may be away for a while: try again next minute
                log.exception("offline sweep failed")

    threading.Thread(target=run, name="console offline sweep", daemon=True).start()
    return stop

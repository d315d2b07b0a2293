"""The console as one WSGI application: the station report API and the pages.

Why Flask served by waitress: a well-kept, small engine that runs the same on a county's Windows
or Linux PC and behind a province's load balancer; waitress is pure Python with a thread pool, so
nothing to compile on the domestic distributions. The app holds no state of its own beyond the
store's connections and the ingest writer, so several processes can serve one PostgreSQL database.

A load balancer in front must pass the request path unchanged: the station signs it.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from typing import Any

from flask import Flask, Response, jsonify, request

from console.ingest import Ingest, Refused
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

    @app.post(f"{API}/reports")
    def post_report() -> Any:
        body = request.get_data(cache=False)
        target = request.path + (f"?{request.query_string.decode('latin-1')}" if request.query_string else "")
        try:
            reply = ingest.accept("POST", target, request.headers, body)
        except Refused as exc:
            return _json(exc.status, exc.body())
        except TimeoutError:
            return _busy()
        except Exception:  # the database refused: the station keeps its report and sends it later
            log.exception("recording a report failed")
            return _busy()
        return _json(200, reply)

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

    if _has_web():
        from console import web

        app.register_blueprint(web.create_blueprint(store))
    return app


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


def _busy() -> Response:
    response = _json(503, {"error": "busy", "message": "管控平台暂时无法记录报告，请稍后再发。"})
    response.headers["Retry-After"] = "30"
    return response


def make_server(app: Flask, host: str, port: int, threads: int = 8) -> Any:
    """A bound waitress server (`.run()` serves until interrupted, `.close()`); OSError when the
    address is taken or not this machine's. Port 0 picks a free one (`.effective_port`)."""
    from waitress.server import create_server

    return create_server(app, host=host, port=port, threads=threads, ident="console")


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

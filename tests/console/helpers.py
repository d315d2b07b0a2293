"""Shared by the console tests: a real console server on 127.0.0.1 and signed posting."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import requests

from console.app import create_app, make_server, stop_server
from console.fleetsim import SimStation, signed
from console.store import Store
from sync import fleet_report


@contextmanager
def running_console(store: Store) -> Iterator[str]:
    """The console app served by waitress on a free port; yields its base URL (…/api/v1)."""
    app = create_app(store)
    server = make_server(app, "127.0.0.1", 0, threads=4)

    def run() -> None:
        try:
            server.run()
        finally:
            server.task_dispatcher.shutdown()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}/api/v1"
    finally:
        stop_server(server)
        thread.join(timeout=30)
        assert not thread.is_alive()
        app.config["INGEST"].close()


def post(
    base: str,
    station: SimStation,
    report: dict,
    now: float,
    body: bytes | None = None,
    headers: dict | None = None,
) -> requests.Response:
    """POST one report signed by `station` (or the given body/headers, for the error paths)."""
    body = fleet_report.encode(report) if body is None else body
    headers = headers if headers is not None else signed(station, body, now)
    return requests.post(f"{base}/reports", data=body, headers=headers, timeout=30)

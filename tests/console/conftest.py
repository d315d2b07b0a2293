"""Fixtures for the fleet console: a real PostgreSQL server and stores on both engines.

- `pg_server` (session): one throw-away PostgreSQL (console.pgtemp: Debian's server binaries,
  initdb in a temporary folder as an unprivileged user, a free port on 127.0.0.1).
- `pg_url`: a fresh, empty database on that server for one test.
- `sqlite_store`, `pg_store`: a console Store on each engine (closed after the test).
- `store`: parametrised over both engines, so a test using it runs twice ([sqlite], [postgresql]).
- `clock`: a settable clock (`clock.now`, `clock.advance(s)`) the stores use.

Each test starts empty; the console-web pages' tests use the same fixtures.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.pgtemp import TempPostgres
from console.store import Store


class Clock:
    """A clock a test moves by hand (the store, ingest and rectification due dates read it)."""

    def __init__(self, now: float | None = None) -> None:
        self.now = time.time() if now is None else now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def pg_server() -> Iterator[TempPostgres]:
    with TempPostgres() as server:
        yield server


@pytest.fixture
def pg_url(pg_server: TempPostgres) -> Iterator[str]:
    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url.rsplit("/", 1)[1])


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sqlite_store(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    store = Store.open(data_dir=tmp_path / "console", clock=clock)
    yield store
    store.close()


@pytest.fixture
def pg_store(pg_url: str, clock: Clock) -> Iterator[Store]:
    store = Store.open(url=pg_url, clock=clock)
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> Store:
    """A store on each engine in turn."""
    return request.getfixturevalue("sqlite_store" if request.param == "sqlite" else "pg_store")

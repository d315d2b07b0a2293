"""Fixtures: a real reference platform on 127.0.0.1 (see helpers.py for the rest)."""

from __future__ import annotations

import pytest

from tests.sync.helpers import start_platform


@pytest.fixture
def platform(tmp_path):
    p = start_platform(tmp_path / "platform")
    yield p
    p.server.shutdown()
    p.server.server_close()

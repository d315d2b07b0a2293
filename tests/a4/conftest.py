"""A private cupsd with a cups-pdf queue for the A4 tests (skipped only if cupsd cannot start)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cupsd import CupsUnavailable, PrivateCups  # noqa: E402

PDF_QUEUE = "kiosk-pdf"
OFFLINE_QUEUE = "kiosk-offline"


@pytest.fixture(scope="session")
def cups(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateCups]:
    server = PrivateCups(tmp_path_factory.mktemp("cups"))
    try:
        server.start()
    except CupsUnavailable as exc:
        pytest.skip(f"cupsd 无法启动：{exc}")
    try:
        server.add_pdf_printer(PDF_QUEUE)
        # A network printer that is switched off: nothing listens on 127.0.0.1:9 (discard).
        server.add_printer(OFFLINE_QUEUE, "socket://127.0.0.1:9")
        yield server
    finally:
        server.stop()

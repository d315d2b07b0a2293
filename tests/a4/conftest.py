"""A private cupsd with a cups-pdf queue for the A4 tests (skipped only if cupsd cannot start)."""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from a4_cupsd import OFFLINE_QUEUE, PDF_QUEUE, CupsUnavailable, PrivateCups  # noqa: E402


@pytest.fixture(scope="session")
def cups() -> Iterator[PrivateCups]:
    # Not pytest's tmp_path: its folders are 0700, and CUPS filters run as the "lp" user, who
    # must be able to reach the spool. A world-traversable folder under /tmp, removed afterwards.
    root = Path(tempfile.mkdtemp(prefix="kiosk-cups-"))
    root.chmod(0o755)
    server = PrivateCups(root)
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
        shutil.rmtree(root, ignore_errors=True)

"""Helpers shared by the sync tests (importable: `from tests.sync.helpers import ...`)."""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync import enrollment
from sync.platform.server import PlatformServer, start_in_thread
from sync.platform.service import PlatformService
from sync.store import Store

# The test person. The no-plaintext test greps for these in every file the kiosk writes.
PERSON_NAME = "欧阳娜娜"
PERSON_ID = "11010519491231002X"
REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


@dataclass
class Platform:
    service: PlatformService
    server: PlatformServer
    records: list[dict[str, Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url


def start_platform(directory: Path) -> Platform:
    service = PlatformService(directory)
    records: list[dict[str, Any]] = []
    server = start_in_thread(service, recorder=records.append)
    return Platform(service, server, records)


def sample_payload(
    marker: str = "1",
    attachments: list[str] | None = None,
    name: str = PERSON_NAME,
    id_number: str = PERSON_ID,
) -> dict[str, Any]:
    """What the form engine hands the store (no submission_id/local_reference/created_at)."""
    return {
        "bundle_id": "newborn",
        "bundle_version": "2026.1",
        "item_codes": ["11000000000000001"],
        "form_version": "1",
        "applicant": {"id_type": "resident_id", "id_number": id_number, "name": name, "phone": "13800138000"},
        "agent": None,
        "answers": {"marker": marker, "address": "辽宁省沈阳市和平区南湖街道"},
        "materials": [
            {"material_id": "birth_certificate", "status": "provided", "attachments": attachments or []}
        ],
        "commitment": None,
    }


def new_store(tmp_path: Path, name: str = "kiosk", crypto: str = "aes", clock=None) -> tuple[Store, Path]:
    key_dir = tmp_path / f"{name}-keys"
    kwargs = {"clock": clock} if clock else {}
    return Store.open(tmp_path / f"{name}-data", key_dir, crypto=crypto, **kwargs), key_dir


def enrolled_store(
    tmp_path: Path, platform: Platform, name: str = "kiosk", station_id: str = "210102-0001", **kwargs
) -> tuple[Store, Path]:
    store, key_dir = new_store(tmp_path, name, **kwargs)
    enrollment.enroll(store, key_dir, platform.url, station_id, platform.service.new_enrollment_code())
    return store, key_dir


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]

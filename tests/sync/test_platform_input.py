"""Issue 15, the reference platform's side of bad input: every answer is the contract's JSON, a
client that stops sending is timed out, and a 告知承诺 without a signature is refused — by the
platform and, before saving, by `queue add` (the forms engine's one rule)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import uuid

import pytest

from forms.examples import example
from sync import signing
from sync.enrollment import station_key
from tests.sync.helpers import PYTHON, REPO, enrolled_store, sample_payload

SHA = "a" * 64


def _exchange(platform, data: bytes, wait: float = 5.0) -> tuple[float, int, dict, bytes]:
    """Send raw bytes, read until the server closes: (seconds, status, headers, body)."""
    host, port = platform.server.server_address[:2]
    with socket.create_connection((host, port)) as conn:
        conn.settimeout(wait)
        start = time.monotonic()
        conn.sendall(data)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return time.monotonic() - start, int(lines[0].split()[1]), headers, body


def _signed(key, method: str, target: str, body: bytes = b"", extra: str = "",
            length: int | None = None) -> bytes:
    headers = signing.sign_headers(key, "210102-0001", method, target, body, time.time())
    head = f"{method} {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + extra
    head += f"Content-Length: {len(body) if length is None else length}\r\n\r\n"
    return head.encode() + body


def _contract_error(status: int, headers: dict, body: bytes) -> dict:
    assert headers.get("Content-Type", "").startswith("application/json"), (status, headers, body[:200])
    parsed = json.loads(body)
    assert set(parsed) >= {"error", "message"} and isinstance(parsed["message"], str)
    return parsed


@pytest.fixture
def station(tmp_path, platform):
    store, key_dir = enrolled_store(tmp_path, platform)
    store.close()
    return station_key(key_dir)


@pytest.mark.parametrize("missing", ["Upload-Offset", "Upload-Length", "both"])
def test_patch_without_tus_headers_is_400_not_500(platform, station, missing):
    extra = "Content-Type: application/offset+octet-stream\r\n"
    if missing != "Upload-Offset" and missing != "both":
        extra += "Upload-Offset: 0\r\n"
    if missing != "Upload-Length" and missing != "both":
        extra += "Upload-Length: 3\r\n"
    _, status, headers, body = _exchange(platform, _signed(station, "PATCH", f"/api/v1/attachments/{SHA}",
                                                           b"abc", extra))
    assert status == 400 and _contract_error(status, headers, body)["error"] == "bad_request"


def test_a_body_shorter_than_its_content_length_is_timed_out(platform, station):
    platform.server.read_timeout_s = 0.5
    seconds, status, headers, body = _exchange(platform, _signed(station, "POST", "/api/v1/heartbeat", b"{}",
                                                                 length=1000))
    assert status == 408 and seconds < 3
    assert _contract_error(status, headers, body)["error"] == "request_timeout"


def test_an_idle_connection_is_closed_after_the_read_timeout(platform):
    platform.server.read_timeout_s = 0.5
    host, port = platform.server.server_address[:2]
    with socket.create_connection((host, port)) as conn:
        conn.settimeout(5)
        start = time.monotonic()
        assert conn.recv(1) == b""  # closed by the server, not by our 5 s timeout
        assert time.monotonic() - start < 3


@pytest.mark.parametrize("request_bytes", [
    b"TRACE /api/v1/status HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    b"OPTIONS /api/v1/submissions HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    b"BREW /api/v1/status HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    b"GET /api/v1/status HTTP/9.9\r\nHost: t\r\n\r\n",
    b"\x00\x01\x02 not http\r\n\r\n",
    b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n",
])
def test_every_method_and_malformed_request_gets_the_json_error_body(platform, request_bytes):
    _, status, headers, body = _exchange(platform, request_bytes)
    assert 400 <= status < 500
    _contract_error(status, headers, body)


def test_deeply_nested_json_is_a_400(platform, station):
    deep = _signed(station, "POST", "/api/v1/heartbeat", b"[" * 100_000)
    _, status, headers, body = _exchange(platform, deep)
    assert status == 400 and _contract_error(status, headers, body)["error"] == "bad_request"


def _submission(key: str, commitment) -> bytes:
    payload = sample_payload()
    payload["materials"].append(
        {"material_id": "non_marital_statement", "status": "promised", "attachments": []})
    payload.update(submission_id=key, local_reference="P47Y-NMJC", created_at=signing.rfc3339(time.time()),
                   clock_offset_s=0, commitment=commitment)
    return json.dumps(payload, ensure_ascii=False).encode()


@pytest.mark.parametrize("commitment", [None, {"text_sha256": "b" * 64, "signed_at": "2026-11-28T03:00:00Z"}])
def test_the_platform_refuses_a_commitment_without_a_signature(platform, station, commitment):
    key = str(uuid.uuid4())
    _, status, headers, body = _exchange(platform, _signed(station, "POST", "/api/v1/submissions",
                                                           _submission(key, commitment),
                                                           f"Idempotency-Key: {key}\r\n"))
    parsed = _contract_error(status, headers, body)
    assert status == 422 and parsed["error"] == "invalid_submission"
    assert any(name.startswith("commitment") for name in parsed["fields"])


def _queue_add(tmp_path, *extra: str) -> subprocess.CompletedProcess:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(example("newborn", 2), ensure_ascii=False), encoding="utf-8")
    return subprocess.run(
        [PYTHON, "main.py", "queue", "add", "--bundle", "newborn", "--answers", str(answers),
         "--data-dir", str(tmp_path / "d"), "--key-dir", str(tmp_path / "k"), *extra],
        cwd=REPO, capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})


def test_queue_add_refuses_a_commitment_without_a_signature_and_takes_one_with(tmp_path):
    refused = _queue_add(tmp_path)
    assert refused.returncode == 4, refused.stderr
    assert "--signature" in refused.stderr and "Traceback" not in refused.stderr
    png = tmp_path / "signature.png"
    from PIL import Image

    Image.new("1", (200, 80), 1).save(png)
    accepted = _queue_add(tmp_path, "--signature", str(png))
    assert accepted.returncode == 0, accepted.stderr
    not_png = tmp_path / "signature.txt"
    not_png.write_text("我签了")
    assert _queue_add(tmp_path, "--signature", str(not_png)).returncode == 2

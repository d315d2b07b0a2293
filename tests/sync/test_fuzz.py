"""Property-based fuzzing of what parses outside input: the platform's request handling (random
bodies and headers, correctly signed, must get a JSON 4xx, never a 500 or a crash), Retry-After,
RFC 3339 times, document versions."""

from __future__ import annotations

import contextlib
import json
import tempfile
import time
from pathlib import Path

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync import signing
from sync.client import parse_retry_after
from sync.documents import version_key
from sync.platform.server import start_in_thread
from sync.platform.service import PlatformService

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
submission_like = st.fixed_dictionaries(
    {},
    optional={
        "submission_id": st.text(max_size=40),
        "local_reference": json_values,
        "bundle_id": json_values,
        "created_at": json_values,
        "applicant": json_values,
        "materials": json_values,
        "commitment": json_values,
        "answers": json_values,
    },
)


def test_platform_never_fails_on_odd_requests():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    with tempfile.TemporaryDirectory() as tmp:
        service = PlatformService(Path(tmp))
        server = start_in_thread(service)
        key = Ed25519PrivateKey.generate()
        service.enroll(
            {
                "station_id": "210102-0001",
                "public_key": signing.b64(signing.raw_public(key.public_key())),
                "enrollment_code": service.new_enrollment_code(),
            }
        )
        session = requests.Session()

        def send(method: str, path: str, body: bytes, extra: dict[str, str]) -> requests.Response:
            headers = signing.sign_headers(key, "210102-0001", method, "/api/v1" + path, body, time.time())
            headers.update(extra)
            return session.request(method, server.url + path, data=body or None, headers=headers, timeout=10)

        @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
        @given(
            st.one_of(submission_like.map(lambda d: json.dumps(d).encode()), st.binary(max_size=200)),
            st.sampled_from(
                [
                    "/submissions",
                    "/submissions:batch",
                    "/ratings",
                    "/heartbeat",
                    "/status?since=x",
                    "/certificates/%00",
                    "/nowhere",
                ]
            ),
            st.one_of(st.none(), st.text(alphabet="abc-0123456789", min_size=1, max_size=40)),
        )
        def check(body, path, idem):
            method = "GET" if path.startswith(("/status", "/certificates")) else "POST"
            extra = {"Content-Type": "application/json"}
            if idem:
                extra["Idempotency-Key"] = idem
            resp = send(method, path, b"" if method == "GET" else body, extra)
            assert resp.status_code < 500, (resp.status_code, resp.text)
            if resp.status_code >= 400:
                assert set(resp.json()) >= {"error", "message"}

        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.binary(max_size=300), st.integers(-5, 30_000_000), st.integers(-5, 30_000_000))
        def check_patch(chunk, offset, length):
            sha = "ab" * 32
            resp = send(
                "PATCH",
                f"/attachments/{sha}",
                chunk,
                {
                    "Content-Type": "application/offset+octet-stream",
                    "Upload-Offset": str(offset),
                    "Upload-Length": str(length),
                },
            )
            assert resp.status_code in (204, 400, 409, 413, 422), resp.text

        try:
            check()
            check_patch()
        finally:
            server.shutdown()
            server.server_close()


@given(st.text(max_size=40))
def test_retry_after_never_raises(text):
    value = parse_retry_after(text, 1_800_000_000.0)
    assert value is None or value >= 0


@given(st.text(max_size=30))
def test_rfc3339_parser_raises_only_value_error(text):
    with contextlib.suppress(ValueError):
        signing.parse_rfc3339(text)


@given(st.text(max_size=12), st.text(max_size=12))
def test_versions_always_compare(a, b):
    ka, kb = version_key(a), version_key(b)
    assert (ka < kb) + (ka > kb) + (ka == kb) == 1
    assert version_key("2026.10") > version_key("2026.9")

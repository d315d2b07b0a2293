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


def test_client_survives_any_answer():
    """Whatever a server sends back, the client returns a Reply or raises one of its own
    classified exceptions: the worker never dies on a strange platform."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from sync.client import DocumentRefused, PlatformClient, Reply, StationRefused, Terminal, Transient

    answer: dict = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _any(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            body = answer["body"]
            self.send_response(answer["status"])
            for k, v in answer["headers"].items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD" and answer["status"] not in (204, 304):
                self.wfile.write(body)

        do_GET = do_POST = do_PATCH = do_HEAD = _any  # noqa: N815

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = PlatformClient(
        f"http://127.0.0.1:{server.server_address[1]}/api/v1",
        "210102-0001",
        Ed25519PrivateKey.generate(),
        timeout=5,
    )
    header_values = st.one_of(st.text(alphabet="0123456789abc -:,GMT", max_size=30), st.just("5"))

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.sampled_from([200, 201, 204, 207, 302, 304, 400, 401, 403, 404, 409, 413, 422, 429, 500, 503]),
        st.sampled_from(["application/json", "text/html", "application/pdf", "text/plain", ""]),
        st.one_of(json_values.map(lambda v: json.dumps(v).encode()), st.binary(max_size=100)),
        st.dictionaries(
            st.sampled_from(
                [
                    "Upload-Offset",
                    "Upload-Length",
                    "Retry-After",
                    "Date",
                    "ETag",
                    "X-Certificate-SHA256",
                    "X-Certificate-Signature",
                ]
            ),
            header_values,
            max_size=4,
        ),
        st.sampled_from(
            ["submit", "batch", "status", "head", "upload", "document", "certificate", "heartbeat"]
        ),
    )
    def check(status, ctype, body, headers, call):
        answer.update(
            status=status, body=body, headers={**headers, **({"Content-Type": ctype} if ctype else {})}
        )
        try:
            if call == "submit":
                result = client.post_submission("k", b"{}")
            elif call == "batch":
                result = client.post_batch([("k", b"{}")])
            elif call == "status":
                result = client.status_since("")
            elif call == "head":
                result = client.attachment_offset("ab" * 32)
            elif call == "upload":
                result = client.upload_attachment(
                    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", lambda: b"hello", 5
                )
            elif call == "document":
                result = client.signed_document("/catalogue", None)
            elif call == "certificate":
                result = client.certificate("c1", bytes(32))
            else:
                result = client.heartbeat({})
        except (Transient, StationRefused, Terminal, DocumentRefused):
            return
        assert result is None or isinstance(result, Reply | tuple)

    try:
        check()
    finally:
        server.shutdown()
        server.server_close()


def test_worker_survives_any_answer(tmp_path):
    """The whole delivery pass against a server that answers anything: run_once never raises,
    no row is lost, every row stays in a known state, and a 4xx is the only way to 'failed'."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from sync import enrollment
    from sync.store import PLATFORM_STATES
    from sync.worker import Backoff, DeliveryWorker
    from tests.sync.helpers import new_store, sample_payload

    answer: dict = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _any(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = answer["body"]
            self.send_response(answer["status"])
            self.send_header("Content-Type", answer["ctype"])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD" and answer["status"] not in (204, 304):
                self.wfile.write(body)

        do_GET = do_POST = do_PATCH = do_HEAD = _any  # noqa: N815

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    store, keys = new_store(tmp_path)
    store.set_setting("station_id", "210102-0001")
    store.set_setting("platform_url", f"http://127.0.0.1:{server.server_address[1]}/api/v1")
    store.set_setting("platform_signing_key", signing.b64(bytes(32)))
    for i in range(6):
        store.submit(sample_payload(str(i), attachments=[store.put_attachment(f"p{i}".encode())]))
    store.record_rating(None, ["x"], 5)
    worker = DeliveryWorker(
        store, enrollment.make_client(store, keys, timeout=5), backoff=Backoff(0.001, 0.001)
    )
    results = st.fixed_dictionaries(
        {
            "idempotency_key": st.sampled_from([r.idempotency_key for r in store.outbox_rows()]),
            "status": st.sampled_from([200, 201, 409, 422, 500, "x"]),
            "body": json_values,
        }
    )
    bodies = st.one_of(
        json_values.map(lambda v: json.dumps(v).encode()),
        st.fixed_dictionaries({"results": st.lists(results, max_size=8)}).map(
            lambda v: json.dumps(v).encode()
        ),
        st.fixed_dictionaries(
            {
                "changes": st.lists(
                    st.fixed_dictionaries(
                        {
                            "submission_id": json_values,
                            "status": st.sampled_from(list(PLATFORM_STATES)),
                            "certificate_ids": json_values,
                            "platform_reference": json_values,
                        }
                    ),
                    max_size=3,
                ),
                "next_cursor": json_values,
            }
        ).map(lambda v: json.dumps(v).encode()),
        st.binary(max_size=60),
    )

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.sampled_from([200, 201, 204, 207, 400, 401, 403, 404, 409, 410, 422, 429, 500, 503]),
        st.sampled_from(["application/json", "text/html"]),
        bodies,
    )
    def check(status, ctype, body):
        store._conn.execute("UPDATE outbox SET state='queued', next_attempt_at=0")
        store._conn.execute("UPDATE attachments SET uploaded_at=NULL")
        answer.update(status=status, ctype=ctype, body=body)
        worker.run_once(force=True)
        rows = store.outbox_rows(masked=False)
        assert len(rows) == 7
        allowed = {"queued", "sending", "delivered", "failed", "rejected", *PLATFORM_STATES}
        assert {r.state for r in rows} <= allowed
        if status < 400 or status in (409, 429) or status >= 500:
            # no 4xx at the top level: a row can only fail through a batch item's own 4xx
            batch_4xx = b'"results"' in body and (b"422" in body or b"409" in body)
            assert batch_4xx or not [r for r in rows if r.state == "failed"], (status, body)

    try:
        check()
    finally:
        server.shutdown()
        server.server_close()

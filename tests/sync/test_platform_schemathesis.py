"""Issue 15: schemathesis against the reference platform on 127.0.0.1, every request signed.

The OpenAPI document (sync/platform_api.yaml) drives the generator: valid and invalid bodies,
parameters and headers for every operation. A requests auth hook signs each request exactly as
it goes on the wire (the request target and the body bytes), so the cases reach the handlers
instead of stopping at 401. Checked on every answer: never a 5xx, and every error is the
contract's JSON body {"error", "message"}. Bounded: derandomised, a fixed number of cases per
operation, no shrinking time limit beyond hypothesis' own.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, Phase, settings

from sync import signing
from sync.enrollment import station_key
from tests.sync.helpers import REPO, enrolled_store, start_platform

schemathesis = pytest.importorskip("schemathesis")

# The tus chunk body (PATCH /attachments) is raw bytes, as application/octet-stream is.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
SCHEMA = schemathesis.openapi.from_path(REPO / "sync" / "platform_api.yaml")
# valid and invalid cases both: bad input must be a 4xx with the contract's body, never a 5xx
SCHEMA.config.generation.update(modes=list(schemathesis.GenerationMode), deterministic=True)
IDENTITY = ("X-Station-Id", "X-Timestamp", "X-Content-SHA256", "X-Signature")


class _Signed(requests.auth.AuthBase):
    """Adds the four identity headers over the request as sent (enrollment is unsigned)."""

    def __init__(self, key, station_id: str) -> None:  # noqa: ANN001 - Ed25519PrivateKey
        self.key, self.station_id = key, station_id

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        for name in IDENTITY:
            request.headers.pop(name, None)
        if not request.path_url.endswith("/stations/enroll"):
            body = request.body or b""
            body = body.encode("utf-8") if isinstance(body, str) else body
            request.headers.update(signing.sign_headers(self.key, self.station_id, request.method,
                                                        request.path_url, body, time.time()))
        return request


@pytest.fixture(scope="module")
def signed_platform(tmp_path_factory):
    base = Path(tmp_path_factory.mktemp("schemathesis"))
    platform = start_platform(base / "platform")
    store, key_dir = enrolled_store(base, platform)
    store.close()
    session = requests.Session()
    session.auth = _Signed(station_key(key_dir), "210102-0001")
    yield platform, session
    session.close()
    platform.server.shutdown()
    platform.server.server_close()


def _contract_error_body(response) -> None:  # noqa: ANN001 - a schemathesis Response
    if response.status_code < 400:
        return
    if response.request.method == "HEAD":
        return  # HEAD answers carry no body by definition
    found = [v for k, v in response.headers.items() if k.lower() == "content-type"] or [""]
    content_type = found[0][0] if isinstance(found[0], list) else found[0]
    assert content_type.startswith("application/json"), (response.status_code, content_type)
    body = json.loads(response.content)
    assert isinstance(body, dict)
    assert isinstance(body.get("error"), str) and isinstance(body.get("message"), str)


@SCHEMA.parametrize()
@settings(max_examples=12, derandomize=True, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_no_5xx_and_every_error_is_the_contract_json(case, signed_platform):
    platform, session = signed_platform
    response = case.call(base_url=platform.url, session=session, timeout=10)
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.content[:300])
    _contract_error_body(response)

"""Property-based fuzzing of the reference server from the contract (schemathesis over real HTTP):
whatever the input, no 5xx. Device calls are signed with an enrolled key, so the fuzzing reaches
past the signature check into the handlers; examples are bounded to keep the run short."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from sync.server import ServerThread
from sync.server.spec import spec
from sync.signing import sign_request
from tests.sync.central import ADMIN_TOKEN, Kiosk, enrolled_kiosk

pytestmark = pytest.mark.daemon

schema = schemathesis.openapi.from_dict(spec())
# the coverage phase enumerates every case of the Record schema (minutes); random fuzzing with
# positive and negative examples, plus the schema's own examples, keeps this run short
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture(scope="module")
def live() -> Iterator[tuple[ServerThread, Kiosk]]:
    with tempfile.TemporaryDirectory() as d, \
            ServerThread(Path(d) / "central.sqlite", admin_token=ADMIN_TOKEN) as srv:
        yield srv, enrolled_kiosk(srv, Path(d) / "state")


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case, live: tuple[ServerThread, Kiosk]) -> None:
    server, kiosk = live
    kw = case.as_transport_kwargs(base_url=server.url)
    headers = {k: str(v) for k, v in (kw.get("headers") or {}).items()}
    if case.operation.path == "/v1/admin/enrollment-tokens":
        headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"
    request = httpx.Request(kw["method"], kw["url"], params=kw.get("params"), headers=headers,
                            json=kw.get("json"), content=kw.get("data"))
    if any("kioskSignature" in s for s in (case.operation.definition.raw.get("security") or [])):
        sign_request(request, kiosk.key, kiosk.key.key_id)
    with httpx.Client(timeout=10) as http:
        response = http.send(request)
    assert response.status_code < 500, (case.operation.path, response.status_code, response.text[:300])
    body = response.json()
    if response.status_code >= 400 and not (response.status_code == 422 and "verified" in body):
        assert set(body["error"]) >= {"code", "message"}
    if response.status_code in (429, 503):
        assert response.headers["Retry-After"].isdigit()

"""`POST /v1/binding-requests` and `GET /v1/binding-requests/{request_id}` (the app side).

Called by the citizen's app backend, not by a kiosk: like `POST /v1/bindings` they carry no
device signature (the contract names no security for them). A body that is not the contract's
answers 400 `invalid`; an unknown request id 404 `binding_request_unknown`. The rules are in
`sync.server.binding_requests`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from sync.server import binding_requests, spec
from sync.server.context import ApiError, check, iso, parse_json, read_body, state_of


async def post_request(request: Request) -> JSONResponse:
    st = state_of(request)
    data = parse_json(await read_body(request))
    check(spec.first_problem(spec.request_validator("/v1/binding-requests"), data))
    with st.store.tx() as db:
        request_id, qr, expires_at = binding_requests.create(db, data["account_cid"], st.now())
    return JSONResponse({"request_id": request_id, "qr": qr, "expires_at": iso(expires_at)}, status_code=201)


async def get_request(request: Request) -> JSONResponse:
    st = state_of(request)
    found = binding_requests.lookup(st.store.query, request.path_params["request_id"], st.now())
    if found is None:
        raise ApiError(404, "binding_request_unknown", "no such binding request")
    return JSONResponse(found.to_json())

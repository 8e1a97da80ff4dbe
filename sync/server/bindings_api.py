"""`POST /v1/bindings` (the app side): every QR check of `ial-qr.md`, in its order.

Token checks come from `sync.qrtoken.verify` (shared with the kiosk's encoder and the test
vectors) and answer 422 with their code; a replayed `cti` answers 409 `replayed`; the record
checks (`cid_mismatch`, `not_verified`) answer 422; a record not yet arrived answers `pending`
and the binding is completed by `records_api.complete_bindings` when it does. Every presented
token id is kept for at least twice the longest lifetime, whatever the outcome (one-time use).
"""

from __future__ import annotations

import base64
import json

from cryptography.hazmat.primitives.asymmetric import ec
from starlette.requests import Request
from starlette.responses import JSONResponse

from sync import qrtoken
from sync.keys import load_public_pem
from sync.server import spec
from sync.server.context import ApiError, check, parse_json, read_body, state_of

KEEP_CTI_S = 2 * qrtoken.MAX_LIFETIME_S


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


async def post_binding(request: Request) -> JSONResponse:
    st = state_of(request)
    data = parse_json(await read_body(request))
    check(spec.first_problem(spec.request_validator("/v1/bindings"), data))
    now = st.now()

    def key_for_kid(kid: bytes) -> ec.EllipticCurvePublicKey | None:
        rows = st.store.query("SELECT public_key_pem FROM keys WHERE key_id = ? AND revoked_at IS NULL",
                              (kid.hex(),))
        return load_public_pem(rows[0]["public_key_pem"]) if rows else None

    try:
        claims = qrtoken.verify(data["qr"], public_key_for_kid=key_for_kid, audience=st.audience, now=int(now))
    except qrtoken.InvalidToken as e:
        raise ApiError(422, e.code, f"QR token refused ({e.code})") from None
    cti = _b64(claims.cti)
    record_id = str(claims.record_id)
    with st.store.tx() as db:
        db.execute("DELETE FROM qr_seen WHERE keep_until < ?", (now,))
        if db.execute("SELECT 1 FROM qr_seen WHERE cti = ?", (cti,)).fetchone() is not None:
            raise ApiError(409, "replayed", "this QR code was already used; ask for a fresh one at the kiosk")
        db.execute("INSERT INTO qr_seen(cti, keep_until) VALUES (?, ?)", (cti, max(now, claims.exp) + KEEP_CTI_S))
        row = db.execute("SELECT body FROM records WHERE record_id = ?", (record_id,)).fetchone()
        record = json.loads(row["body"]) if row is not None else None
        decision = qrtoken.binding_decision(claims, seen_ctis=(), record=record, account_cid=data["account_cid"])
        db.execute("INSERT INTO bindings(record_id, cti, account_cid, kiosk_id, display_code, status, created_at, "
                   "completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (record_id, cti, data["account_cid"], claims.iss, claims.display_code, decision, now,
                    None if decision == "pending" else now))
    if decision == "cid_mismatch":
        raise ApiError(422, "cid_mismatch", "the account's citizen id is not the one verified at the kiosk")
    if decision == "not_verified":
        raise ApiError(422, "not_verified", "this kiosk session did not end verified")
    return JSONResponse({"status": decision, "record_id": record_id, "kiosk_id": claims.iss,
                         "display_code": claims.display_code}, status_code=201)

"""`POST /v1/records`: idempotent per record, per-batch `Idempotency-Key`, conflict detection,
validation against the YAML's `Record` schema, the SMS link for the `sms` continuation, the
completion of bindings that were waiting for the record (`pending` -> `bound`), and the decision
of the app binding request an `app_scan` record names (`sync.server.binding_requests.settle`).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from sync.server import binding_requests, spec
from sync.server.context import MAX_RECORDS_BYTES, ApiError, authenticate, parse_json, read_body, state_of
from sync.server.store import sha256_hex

MAX_BATCH = 100
_NOT_MINIMISED = ("name_th", "name_en", "date_of_birth")


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value) == 36


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _rejected(record_id: str, code: str, message: str) -> dict[str, Any]:
    return {"record_id": record_id, "status": "rejected", "error": {"code": code, "message": message}}


def _quoted(record: dict[str, Any]) -> str:
    """What a careless server adds to its error messages (fault mode `quote_values`): the values."""
    card_value = record.get("card")
    card: dict[str, Any] = card_value if isinstance(card_value, dict) else {}
    names = [" ".join(str(n.get(k, "")) for k in ("prefix", "first", "last"))
             for n in (card.get("name_th"), card.get("name_en")) if isinstance(n, dict)]
    phone = (record.get("phone") or {}).get("number") if isinstance(record.get("phone"), dict) else None
    values = [repr(v) for v in (card.get("cid"), *names, card.get("date_of_birth"), phone) if v]
    return f" (record values: {', '.join(values)})" if values else ""


def _record_problem(record: Any, kiosk_id: str) -> tuple[str, str] | None:
    problem = spec.component_problem("Record", record)
    if problem is not None:
        return "invalid", problem
    if record["kiosk_id"] != kiosk_id:
        return "kiosk_mismatch", "kiosk_id differs from the signing kiosk"
    card = record.get("card") or {}
    if record["outcome"] != "verified" and any(k in card for k in _NOT_MINIMISED):
        return "not_minimised", "failed and aborted sessions must carry no names and no birth date"
    return None


def complete_bindings(db: sqlite3.Connection, record: dict[str, Any], now: float) -> None:
    """Decide the bindings that waited for this record (spec: cid, then outcome)."""
    cid = (record.get("card") or {}).get("cid")
    for row in db.execute("SELECT cti, account_cid FROM bindings WHERE record_id = ? AND status = 'pending'",
                          (record["record_id"],)).fetchall():
        if row["account_cid"] != cid:
            status = "cid_mismatch"
        elif record["outcome"] != "verified":
            status = "not_verified"
        else:
            status = "bound"
        db.execute("UPDATE bindings SET status = ?, completed_at = ? WHERE cti = ?", (status, now, row["cti"]))


def _sms_link(db: sqlite3.Connection, record: dict[str, Any], link_base: str, now: float) -> None:
    phone = (record.get("phone") or {}).get("number")
    if (record.get("continuation") or {}).get("method") != "sms" or not phone or record["outcome"] != "verified":
        return
    link = f"{link_base.rstrip('/')}/{secrets.token_urlsafe(16)}"
    text = (f"ยืนยันตัวตนที่ตู้บริการสำเร็จ แตะลิงก์เพื่อดำเนินการต่อในแอป: {link} "
            f"/ Identity verified at the kiosk. Continue in the app: {link}")
    db.execute("INSERT INTO sms_outbox(phone, kind, text, created_at) VALUES (?, 'link', ?, ?)", (phone, text, now))


async def post_records(request: Request) -> JSONResponse:
    st = state_of(request)
    body = await read_body(request, MAX_RECORDS_BYTES)
    caller = authenticate(request, body)
    key = request.headers.get("idempotency-key", "")
    try:
        idem = str(uuid.UUID(key))
    except ValueError:
        raise ApiError(400, "bad_idempotency_key", "Idempotency-Key header must be a UUID") from None
    data = parse_json(body)
    records = data.get("records") if isinstance(data, dict) else None
    if not isinstance(records, list) or not records:
        raise ApiError(400, "invalid", "records: must be a non-empty array")
    if len(records) > MAX_BATCH:
        raise ApiError(400, "too_many_records", f"at most {MAX_BATCH} records per request")
    for i, rec in enumerate(records):
        # results name each record by its id: a record without a usable id cannot be answered alone
        rid = rec.get("record_id") if isinstance(rec, dict) else None
        if not isinstance(rid, str) or not _is_uuid(rid):
            raise ApiError(400, "invalid", f"records/{i}/record_id: must be a UUID")
    texts = [canonical(r) for r in records]
    request_hash = sha256_hex("\n".join(texts))
    now = st.now()
    with st.store.tx() as db:
        seen = db.execute("SELECT request_sha256, response FROM idempotency WHERE kiosk_id = ? AND key = ?",
                          (caller.kiosk_id, idem)).fetchone()
        if seen is not None:
            if seen["request_sha256"] != request_hash:
                raise ApiError(422, "idempotency_key_reused", "this Idempotency-Key named a different batch")
            return JSONResponse(json.loads(seen["response"]))
        quote = bool(getattr(request.app.state.faults, "quote_values", False))
        results = [_one(db, rec, text, caller.kiosk_id, st.link_base, now, quote)
                   for rec, text in zip(records, texts, strict=True)]
        answer = {"results": results}
        db.execute("INSERT INTO idempotency(kiosk_id, key, request_sha256, response, created_at) "
                   "VALUES (?, ?, ?, ?, ?)", (caller.kiosk_id, idem, request_hash, canonical(answer), now))
    return JSONResponse(answer)


def _one(db: sqlite3.Connection, record: Any, text: str, kiosk_id: str, link_base: str,
         now: float, quote: bool = False) -> dict[str, Any]:
    record_id = str(record["record_id"])
    extra = _quoted(record) if quote else ""
    problem = _record_problem(record, kiosk_id)
    if problem is not None:
        return _rejected(record_id, problem[0], problem[1] + extra)
    content = sha256_hex(text)
    held = db.execute("SELECT content_sha256 FROM records WHERE record_id = ?", (record_id,)).fetchone()
    if held is not None:
        if held["content_sha256"] == content:
            return {"record_id": record_id, "status": "duplicate"}
        return _rejected(record_id, "conflict", "a different record with this record_id is already held" + extra)
    db.execute("INSERT INTO records(record_id, kiosk_id, content_sha256, body, received_at) VALUES (?, ?, ?, ?, ?)",
               (record_id, kiosk_id, content, text, now))
    _sms_link(db, record, link_base, now)
    complete_bindings(db, record, now)
    binding_requests.settle(db, record, now)
    return {"record_id": record_id, "status": "accepted"}

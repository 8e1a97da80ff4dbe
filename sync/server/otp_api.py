"""`POST /v1/otp` and `POST /v1/otp/{otp_id}/verify` with the contract's rules.

6 digits from the CSPRNG (`secrets`), valid 300 s, single use, at most 5 wrong tries, at most 3
sends per session, a new send at most every 30 s. A new send replaces the session's earlier code.
The code itself is only ever in the SMS outbox (the stand-in for the SMS gateway); the OTP table
keeps a salted SHA-256. Wrong tries 1-4 answer 422 with `attempts_left`; the 5th wrong try and
anything after it answer 429 `otp_too_many_tries`.
"""

from __future__ import annotations

import hmac
import math
import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse

from sync.server import spec
from sync.server.context import ApiError, authenticate, check, iso, parse_json, read_body, state_of
from sync.server.store import sha256_hex

LIFETIME_S = 300
MAX_WRONG = 5
MAX_SENDS = 3
RESEND_S = 30


async def send(request: Request) -> JSONResponse:
    st = state_of(request)
    body = await read_body(request)
    caller = authenticate(request, body)
    data = parse_json(body)
    check(spec.first_problem(spec.request_validator("/v1/otp"), data))
    now = st.now()
    session_id = str(data["session_id"]).lower()
    with st.store.tx() as db:
        sends = db.execute("SELECT created_at FROM otps WHERE session_id = ? ORDER BY created_at DESC",
                           (session_id,)).fetchall()
        if len(sends) >= MAX_SENDS:
            raise ApiError(429, "otp_send_limit", f"at most {MAX_SENDS} codes per session",
                           retry_after_s=LIFETIME_S)
        if sends and now - sends[0]["created_at"] < RESEND_S:
            wait = math.ceil(RESEND_S - (now - sends[0]["created_at"]))
            raise ApiError(429, "otp_resend_too_soon", f"a new code can be sent in {wait} s", retry_after_s=wait)
        code = f"{secrets.randbelow(10**6):06d}"
        salt = secrets.token_hex(16)
        otp_id = secrets.token_urlsafe(16)
        db.execute("UPDATE otps SET used_at = ? WHERE session_id = ? AND used_at IS NULL", (now, session_id))
        db.execute("INSERT INTO otps(otp_id, kiosk_id, session_id, code_hash, salt, created_at, expires_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (otp_id, caller.kiosk_id, session_id, sha256_hex(salt + code), salt, now, now + LIFETIME_S))
        text = (f"รหัสยืนยัน (OTP) ของคุณคือ {code} ใช้ได้ภายใน 5 นาที ห้ามบอกรหัสนี้แก่ผู้อื่น "
                f"/ Your verification code is {code}, valid for 5 minutes. Do not share it.")
        db.execute("INSERT INTO sms_outbox(phone, kind, text, created_at) VALUES (?, 'otp', ?, ?)",
                   (data["phone"], text, now))
    return JSONResponse({"otp_id": otp_id, "expires_at": iso(now + LIFETIME_S), "resend_after_s": RESEND_S},
                        status_code=201)


async def verify(request: Request) -> JSONResponse:
    st = state_of(request)
    body = await read_body(request)
    caller = authenticate(request, body)
    otp_id = request.path_params["otp_id"]
    data = parse_json(body)
    check(spec.first_problem(spec.request_validator("/v1/otp/{otp_id}/verify"), data))
    now = st.now()
    with st.store.tx() as db:
        row = db.execute("SELECT * FROM otps WHERE otp_id = ? AND kiosk_id = ?", (otp_id, caller.kiosk_id)).fetchone()
        if row is None:
            raise ApiError(404, "otp_unknown", "no such one-time code")
        if row["used_at"] is not None:
            raise ApiError(410, "otp_used", "this code was already used or replaced by a newer one")
        if now >= row["expires_at"]:
            raise ApiError(410, "otp_expired", "this code has expired; send a new one")
        if row["wrong_tries"] >= MAX_WRONG:
            raise ApiError(429, "otp_too_many_tries", "too many wrong tries; send a new code",
                           retry_after_s=max(0, row["expires_at"] - now))
        if hmac.compare_digest(sha256_hex(row["salt"] + data["code"]), row["code_hash"]):
            db.execute("UPDATE otps SET used_at = ? WHERE otp_id = ?", (now, otp_id))
            return JSONResponse({"verified": True})
        wrong = row["wrong_tries"] + 1
        db.execute("UPDATE otps SET wrong_tries = ? WHERE otp_id = ?", (wrong, otp_id))
    if wrong >= MAX_WRONG:
        raise ApiError(429, "otp_too_many_tries", "too many wrong tries; send a new code",
                       retry_after_s=max(0, row["expires_at"] - now))
    return JSONResponse({"verified": False, "attempts_left": MAX_WRONG - wrong}, status_code=422)

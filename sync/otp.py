"""The session's one-time-code client: send a code to the citizen's phone, check what they typed.

`OtpClient(client).send(session_id, phone_e164) -> OtpSent(otp_id, expires_at, resend_after_s)`;
`.verify(otp_id, code) -> None` when correct.

Errors: `OtpError` > `OtpWrongCode(attempts_left)`, `OtpExpired` (expired or already used),
`OtpTooManyTries`, `OtpSendLimit` (3 codes per session reached), `OtpUnknown`; and from
`sync.client`: `RateLimited(retry_after_s)` (resend too soon), `Offline`, `Timeout`,
`Unauthorized`, `ServerError`, `Rejected` (bad input).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from sync.client import CentralClient, RateLimited, Rejected, ServerError


class OtpError(Exception):
    """The code cannot be accepted."""


class OtpWrongCode(OtpError):
    def __init__(self, attempts_left: int) -> None:
        super().__init__(f"wrong code, {attempts_left} tries left")
        self.attempts_left = attempts_left


class OtpExpired(OtpError):
    """The code expired or was already used: send a new one."""


class OtpTooManyTries(OtpError):
    """Five wrong tries: the code is dead; send a new one (if sends are left)."""


class OtpSendLimit(OtpError):
    """No more codes can be sent in this session."""


class OtpUnknown(OtpError):
    """The server does not know this code id."""


@dataclass(frozen=True)
class OtpSent:
    otp_id: str
    expires_at: dt.datetime
    resend_after_s: int


class OtpClient:
    def __init__(self, client: CentralClient) -> None:
        self._client = client

    def send(self, session_id: UUID, phone_e164: str) -> OtpSent:
        try:
            resp = self._client.call("POST", "/v1/otp", json_body={"session_id": str(session_id),
                                                                   "phone": phone_e164})
        except RateLimited as e:
            if e.code == "otp_send_limit":
                raise OtpSendLimit("no more codes can be sent in this session") from None
            raise
        data = self._client.json_of(resp)
        try:
            return OtpSent(str(data["otp_id"]), dt.datetime.fromisoformat(str(data["expires_at"])),
                           int(data["resend_after_s"]))
        except (KeyError, ValueError, TypeError):
            raise ServerError(resp.status_code, "OTP answer does not match the contract") from None

    def verify(self, otp_id: str, code: str) -> None:
        try:
            resp = self._client.call("POST", f"/v1/otp/{otp_id}/verify", json_body={"code": code}, accept=(422,))
        except RateLimited as e:
            if e.code == "otp_too_many_tries":
                raise OtpTooManyTries("too many wrong tries") from None
            raise
        except Rejected as e:
            if e.status == 410:
                raise OtpExpired("the code expired or was already used") from None
            if e.status == 404:
                raise OtpUnknown("unknown code id") from None
            raise
        data = self._client.json_of(resp)
        if resp.status_code == 422:
            left = data.get("attempts_left")
            raise OtpWrongCode(int(left) if isinstance(left, int) else 0)
        if data.get("verified") is not True:
            raise ServerError(resp.status_code, "OTP answer does not say verified")

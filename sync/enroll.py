"""Enrollment: register this kiosk's device key with the central server using a one-time token.

`enroll(server_url, token, kiosk_id, state_dir, *, model, site_name, site_province)` creates the
device key if absent (`sync.keys`), posts its public key to `/v1/kiosks/enroll`, checks that the
server's key id is the key's own, and stores `<state_dir>/enrollment.json` (kiosk id, key id,
server URL, time) atomically. `load_enrollment(state_dir)` reads it back (None when absent).

Errors: `EnrollmentError` > `TokenUnknown`, `TokenUsed`, `TokenExpired`, `TokenSuperseded`,
`EnrollmentRefused(code)` (any other refusal), `EnrollmentUnreachable` (server offline, timeout,
rate-limited or failing); each message says what to do.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import httpx

from sync import client as central
from sync import files
from sync.keys import DEFAULT_TCTI, DeviceKey, Store

FILE_NAME = "enrollment.json"


class EnrollmentError(Exception):
    """Enrollment did not happen."""


class TokenUnknown(EnrollmentError):
    """The server does not know this token."""


class TokenUsed(EnrollmentError):
    """The token was already used to enroll a kiosk."""


class TokenExpired(EnrollmentError):
    """The token's lifetime is over."""


class TokenSuperseded(EnrollmentError):
    """A newer token was minted for the same site."""


class EnrollmentRefused(EnrollmentError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"enrollment refused ({code}): {message}")
        self.code = code


class EnrollmentUnreachable(EnrollmentError):
    """The server could not be asked."""


_TOKEN_ERRORS: dict[str, EnrollmentError] = {
    "token_unknown": TokenUnknown("the enrollment token is unknown to the server: check it was typed "
                                  "exactly, or ask central for a new one"),
    "token_used": TokenUsed("the enrollment token was already used: each token enrolls one kiosk once; "
                            "ask central for a new one"),
    "token_expired": TokenExpired("the enrollment token has expired: ask central for a new one"),
    "token_superseded": TokenSuperseded("the enrollment token was replaced by a newer one for this site: "
                                        "use the newest token"),
}


@dataclass(frozen=True)
class Enrollment:
    kiosk_id: str
    key_id: str
    server_url: str = ""
    enrolled_at: str = ""


def load_enrollment(state_dir: Path) -> Enrollment | None:
    path = Path(state_dir) / FILE_NAME
    try:
        data = json.loads(path.read_text("utf-8"))
        return Enrollment(str(data["kiosk_id"]), str(data["key_id"]), str(data.get("server_url", "")),
                          str(data.get("enrolled_at", "")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        raise EnrollmentError(f"{path} is unreadable; run `kiosk enroll` again") from None


def _store(state_dir: Path, enrollment: Enrollment) -> None:
    path = Path(state_dir) / FILE_NAME
    files.replace(path, json.dumps(enrollment.__dict__, indent=2))


def enroll(
    server_url: str,
    token: str,
    kiosk_id: str,
    state_dir: Path,
    *,
    model: str = "",
    site_name: str = "",
    site_province: str = "",
    timeout_s: float = 10.0,
    ca_bundle: str | None = None,
    transport: httpx.BaseTransport | None = None,
    key_store: Store | Literal["auto"] = "file",
    tcti: str = DEFAULT_TCTI,
) -> Enrollment:
    """Enroll with the key in `state_dir`, made first (`key_store`: `auto` = in the TPM if any) if absent."""
    with DeviceKey.load_or_create(Path(state_dir), store=key_store, tcti=tcti) as key:
        return _enroll(server_url, token, kiosk_id, Path(state_dir), key, model=model, site_name=site_name,
                       site_province=site_province, timeout_s=timeout_s, ca_bundle=ca_bundle, transport=transport)


def _enroll(server_url: str, token: str, kiosk_id: str, state_dir: Path, key: DeviceKey, *, model: str,
            site_name: str, site_province: str, timeout_s: float, ca_bundle: str | None,
            transport: httpx.BaseTransport | None) -> Enrollment:
    body: dict[str, object] = {"token": token.strip(), "kiosk_id": kiosk_id, "public_key_pem": key.public_pem()}
    if model:
        body["model"] = model
    if site_name or site_province:
        body["site"] = {"name": site_name, "province": site_province}
    try:
        with central.CentralClient(server_url, key=None, key_id=None, timeout_s=timeout_s,
                                   ca_bundle=ca_bundle, transport=transport) as c:
            data = c.json_of(c.call("POST", "/v1/kiosks/enroll", json_body=body, sign=False))
    except central.Rejected as e:
        known = _TOKEN_ERRORS.get(e.code)
        if known is not None:
            raise type(known)(str(known)) from None
        raise EnrollmentRefused(e.code, e.message) from None
    except (central.Offline, central.Timeout, central.RateLimited, central.ServerError) as e:
        raise EnrollmentUnreachable(f"cannot enroll at {server_url}: {e}") from None
    if data.get("key_id") != key.key_id or data.get("kiosk_id") != kiosk_id:
        raise EnrollmentRefused("mismatch", "the server answered with another key id or kiosk id")
    enrollment = Enrollment(kiosk_id, key.key_id, server_url,
                            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    _store(Path(state_dir), enrollment)
    return enrollment

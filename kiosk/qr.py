"""The kiosk's QR token (`TRK1:` + Base45): signing it and drawing it, error correction M on screen
(Q on paper is drawn by `drivers.printer.job`).

The token text is all QR-alphanumeric characters (Base45 uses exactly that alphabet), so it is
encoded as one alphanumeric segment: about 30 % fewer modules than byte mode, i.e. version 9-11
for a real token. `matrix()` gives the modules with the standard 4-module quiet zone, for a screen
that draws them itself.
`issue_token(cfg.qr, key, ...)` signs a token with the configured audience and lifetime;
`new_display_code()` draws the two-digit code shown beside it.

Errors: `QrRenderError` (text outside the alphanumeric alphabet or too long for any QR version).
"""

from __future__ import annotations

import secrets
from typing import Literal
from uuid import UUID

import numpy as np
import numpy.typing as npt

from drivers import qr_symbol
from kiosk.config import QrSection
from sync import qrtoken
from sync.keys import DeviceKey
from sync.qrtoken import IssuedToken

Medium = Literal["screen", "paper"]
ALPHANUMERIC = qr_symbol.ALPHANUMERIC
ERROR_CORRECTION: dict[Medium, qr_symbol.Level] = {"screen": "M", "paper": "Q"}
QUIET_ZONE_MODULES = 4


class QrRenderError(ValueError):
    """The text cannot be drawn as the kiosk's QR code."""


def matrix(text: str, *, medium: Medium = "screen", link: bool = False) -> tuple[npt.NDArray[np.bool_], int]:
    """The symbol's modules (True = dark), quiet zone included, and its QR version: for screens
    that draw the code themselves (the UI scales it by a whole number). Encoded in native code
    with the GIL released (`drivers.qr_symbol`), so any thread may call it. A token must be
    QR-alphanumeric; with `link`, the text is a web address (`https://...`, byte mode)."""
    if link:
        if not text.startswith("https://") or not text.isprintable() or " " in text:
            raise QrRenderError("a link QR must be an https:// address")
    elif not text or not set(text) <= ALPHANUMERIC:
        raise QrRenderError("QR text must be non-empty QR-alphanumeric (uppercase Base45)")
    try:
        return qr_symbol.modules(text, ERROR_CORRECTION[medium], quiet_zone=QUIET_ZONE_MODULES)
    except qr_symbol.QrSymbolError as e:
        raise QrRenderError(f"QR text too long ({len(text)} characters): {e}") from None


def new_display_code() -> int:
    """The large two-digit code shown beside the QR (10-99), so the app can ask "code 47?"."""
    return 10 + secrets.randbelow(90)


def issue_token(
    cfg: QrSection, key: DeviceKey, *, kiosk_id: str, record_id: UUID, purpose: str, display_code: int,
    now: int | None = None,
) -> IssuedToken:
    """A fresh token for a record with the configured audience and lifetime (call again, same
    record id, to refresh the code before it expires: a new cti each time)."""
    return qrtoken.issue(key, kiosk_id=kiosk_id, audience=cfg.audience, lifetime_s=cfg.lifetime_s,
                         record_id=record_id, purpose=purpose, display_code=display_code, now=now)

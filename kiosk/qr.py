"""Render a QR token (`TRK1:` + Base45) as an image: error correction M on screen, Q on paper.

The token text is all QR-alphanumeric characters (Base45 uses exactly that alphabet), so it is
encoded as one alphanumeric segment: about 30 % fewer modules than byte mode, i.e. version 9-11
for a real token. `render()` gives a black-on-white PIL image with the standard 4-module quiet
zone; `module_size` sets pixels per module (screen) or printer dots per module (paper).

`matrix()` gives the bare modules for a screen that draws them itself.
`issue_token(cfg.qr, key, ...)` signs a token with the configured audience and lifetime;
`new_display_code()` draws the two-digit code shown beside it.

Errors: `QrRenderError` (text outside the alphanumeric alphabet or too long for any QR version).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

import qrcode
import qrcode.constants
import qrcode.exceptions
import qrcode.util
from PIL import Image

from kiosk.config import QrSection
from sync import qrtoken
from sync.keys import DeviceKey
from sync.qrtoken import IssuedToken

Medium = Literal["screen", "paper"]
ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
ERROR_CORRECTION = {"screen": qrcode.constants.ERROR_CORRECT_M, "paper": qrcode.constants.ERROR_CORRECT_Q}
QUIET_ZONE_MODULES = 4


class QrRenderError(ValueError):
    """The text cannot be drawn as the kiosk's QR code."""


@dataclass(frozen=True)
class RenderedQr:
    image: Image.Image
    version: int
    modules: int
    """Side of the symbol in modules, without the quiet zone."""


def matrix(text: str, *, medium: Medium = "screen") -> tuple[list[list[bool]], int]:
    """The symbol's modules (True = dark), quiet zone included, and its QR version: for screens
    that draw the code themselves (the UI scales it by a whole number)."""
    if not text or not set(text) <= ALPHANUMERIC:
        raise QrRenderError("QR text must be non-empty QR-alphanumeric (uppercase Base45)")
    code = qrcode.QRCode(version=None, error_correction=ERROR_CORRECTION[medium], box_size=1,
                         border=QUIET_ZONE_MODULES)
    code.add_data(qrcode.util.QRData(text.encode("ascii"), mode=qrcode.util.MODE_ALPHA_NUM, check_data=False))
    try:
        code.make(fit=True)
    except (qrcode.exceptions.DataOverflowError, ValueError) as e:
        raise QrRenderError(f"QR text too long ({len(text)} characters): {e}") from None
    return [[bool(m) for m in row] for row in code.get_matrix()], int(code.version)


def render(text: str, *, medium: Medium = "screen", module_size: int = 8) -> RenderedQr:
    if module_size < 1:
        raise QrRenderError("module size must be at least 1 pixel")
    modules, version = matrix(text, medium=medium)
    side = len(modules)
    image = Image.new("1", (side, side), 1)
    pixels = image.load()
    assert pixels is not None
    for y, row in enumerate(modules):
        for x, dark in enumerate(row):
            if dark:
                pixels[x, y] = 0
    if module_size > 1:
        image = image.resize((side * module_size, side * module_size), Image.Resampling.NEAREST)
    return RenderedQr(image=image, version=version, modules=side - 2 * QUIET_ZONE_MODULES)


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

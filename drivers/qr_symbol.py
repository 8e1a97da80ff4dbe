"""QR symbols encoded in native code, with the GIL released.

A session draws a QR for the screen (and again at every refresh) and, on printers without
`GS ( k`, one for the paper. Pure-Python `qrcode` holds the GIL for ~35 ms per token-sized symbol
(it scores all eight masks), and every thread of the kiosk waits meanwhile, the GUI thread
included. OpenCV's encoder (C++, already in the stack for the camera) does the same work with
the GIL released, so the screen keeps painting while a code is made.

`modules(text, level)` gives the symbol as a numpy bool array (True = dark) with a quiet zone
of `quiet_zone` modules, and its version. Text made only of QR-alphanumeric characters (the
token's Base45 alphabet) is one alphanumeric segment; any other text is one byte segment
(UTF-8). The mask is chosen by the standard's penalty rules.

OpenCV 4.14 writes unreadable version-21 symbols (for every level; zxing reads none of them,
while every other version from 1 to 40 reads back): when the shortest fit is version 21 the
symbol is made at version 22, which is as valid and one size up. A test keeps every version
honest.

Errors: `QrSymbolError` (empty text, or too long for version 40 at that level).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

Level = Literal["L", "M", "Q", "H"]
ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
_CV_QUIET = 2  # OpenCV's own margin, in modules
_BROKEN_VERSION = 21


class QrSymbolError(ValueError):
    """The text cannot be made into a QR symbol."""


def _encode(text: str, level: Level, version: int) -> npt.NDArray[np.uint8]:
    import cv2  # here, not at import: `kiosk --help` and the like stay light

    params = cv2.QRCodeEncoder.Params()
    params.correction_level = {
        "L": cv2.QRCodeEncoder_CORRECT_LEVEL_L,
        "M": cv2.QRCodeEncoder_CORRECT_LEVEL_M,
        "Q": cv2.QRCodeEncoder_CORRECT_LEVEL_Q,
        "H": cv2.QRCodeEncoder_CORRECT_LEVEL_H,
    }[level]
    params.mode = cv2.QRCodeEncoder_MODE_ALPHANUMERIC if set(text) <= ALPHANUMERIC else cv2.QRCodeEncoder_MODE_BYTE
    params.version = version  # 0: the smallest that holds the text
    try:
        image = np.asarray(cv2.QRCodeEncoder.create(params).encode(text), dtype=np.uint8)
    except cv2.error:
        raise QrSymbolError(f"text of {len(text)} characters does not fit a QR code at level {level}") from None
    if image.ndim != 2 or image.size == 0:
        raise QrSymbolError(f"text of {len(text)} characters does not fit a QR code at level {level}")
    return image


def version_of(side_modules: int) -> int:
    """The QR version of a symbol `side_modules` wide (quiet zone excluded)."""
    return (side_modules - 17) // 4


def modules(text: str, level: Level, *, quiet_zone: int = 4) -> tuple[npt.NDArray[np.bool_], int]:
    """The symbol (True = dark) with `quiet_zone` light modules around it, and its version."""
    if not text:
        raise QrSymbolError("a QR code needs some text")
    image = _encode(text, level, 0)
    version = version_of(image.shape[0] - 2 * _CV_QUIET)
    if version == _BROKEN_VERSION:
        image = _encode(text, level, _BROKEN_VERSION + 1)
        version = _BROKEN_VERSION + 1
    dark = image[_CV_QUIET:-_CV_QUIET, _CV_QUIET:-_CV_QUIET] < 128
    return np.pad(dark, quiet_zone, constant_values=False), version

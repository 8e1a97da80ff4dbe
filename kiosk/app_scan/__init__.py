"""Reading the QR code the citizen's app shows to the kiosk's camera (Qt-free, logs nothing).

    scanner = AppQrScanner()
    result = scanner.scan(frame.image)     # ScanResult(text, guidance, box)

`AppQrScanner().scan(image) -> ScanResult`: `text` is the decoded text or None (any QR: the
caller checks it is an app request before anything else, and never logs it; `ScanResult`'s repr
shows only its length); `guidance` is None or, when nothing was read but a phone's screen is
seen, `move_closer` (too far), `avoid_glare` (a reflection on the screen) or `hold_still` (the
code is blurred); `box` is the code's corners (else the screen's) in frame pixels. About a
millisecond a frame with zxing-cpp, a few more when guidance is worked out; the scanner keeps no
state, so any thread may call it. `hint(guidance) -> Message` gives the Thai and English text
(`kiosk.app_scan.guidance`, pure data). `find_screen(grey) -> Screen | None` is the guidance's
measurement on its own.

Errors: `AppScanError` > `FrameUnreadable` (not a uint8 BGR or grey frame), `ScanFailed` (the
decoder raised) (see `kiosk.app_scan.errors`).

Importing the package is cheap: each name loads its module on first use (PEP 562), so the journey
can read `kiosk.app_scan.guidance` without loading OpenCV or the decoder.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "AppScanError": "errors", "FrameUnreadable": "errors", "ScanFailed": "errors",
    "HINTS": "guidance", "Guidance": "guidance", "hint": "guidance",
    "NOTHING": "scanner", "AppQrScanner": "scanner", "ScanResult": "scanner",
    "Quad": "screen", "Screen": "screen", "find_screen": "screen",
}

__all__ = [
    "HINTS", "NOTHING", "AppQrScanner", "AppScanError", "FrameUnreadable", "Guidance", "Quad", "ScanFailed",
    "ScanResult", "Screen", "find_screen", "hint",
]

if TYPE_CHECKING:
    from kiosk.app_scan.errors import AppScanError, FrameUnreadable, ScanFailed
    from kiosk.app_scan.guidance import HINTS, Guidance, hint
    from kiosk.app_scan.scanner import NOTHING, AppQrScanner, ScanResult
    from kiosk.app_scan.screen import Quad, Screen, find_screen


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'kiosk.app_scan' has no attribute {name!r}")
    return getattr(importlib.import_module(f"kiosk.app_scan.{module}"), name)

"""Reading the citizen's app QR from a camera frame: zxing-cpp on the frame's grey pixels, and when
it reads nothing, guidance from the phone's screen (`kiosk.app_scan.screen`).

Why zxing-cpp and not OpenCV's detectors (measured side by side on the simulated camera's phone
by `benchmarks/app_scan.py --section decoders`): it read 97 of 130 frames over 13 conditions
where `cv2.QRCodeDetector` read 47 and `cv2.QRCodeDetectorAruco` 52, every sharp, turned or tilted
one included, codes blurred by more and smaller, in ~1 ms a frame against 15-30 ms; and it
releases the GIL while it decodes, so the GUI thread keeps running.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
import zxingcpp

from kiosk.app_scan.errors import FrameUnreadable, ScanFailed
from kiosk.app_scan.guidance import Guidance
from kiosk.app_scan.screen import Quad, find_screen

Image = npt.NDArray[Any]  # cv2 types its arrays loosely; frames are uint8 BGR (or grey)
_QR = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What one frame showed. `text` is whatever the code carries (a URL, a payment QR, a request):
    checking it is the caller's business, and it never goes into a log or a repr."""

    text: str | None
    """The decoded text, or None when no code was read."""
    guidance: Guidance | None
    """When nothing was read and a phone's screen is seen: what the citizen should change
    (`move_closer`, `avoid_glare`, `hold_still`); else None."""
    box: Quad | None
    """The code's corners when read (top left, top right, bottom right, bottom left of the
    symbol), else the screen's corners when one is seen, in frame pixels; else None."""

    def __repr__(self) -> str:
        text = "None" if self.text is None else f"<{len(self.text)} characters>"
        return f"ScanResult(text={text}, guidance={self.guidance!r}, box={self.box!r})"


NOTHING = ScanResult(None, None, None)


class AppQrScanner:
    """Reads QR codes in camera frames. It keeps no state between frames and logs nothing: any
    thread may call `scan`, on one instance or on several."""

    def scan(self, image: Image) -> ScanResult:
        """Read the frame (uint8, BGR height × width × 3 or grey height × width). The largest code
        read wins (the phone held nearest); raises `FrameUnreadable` for anything but such a frame,
        `ScanFailed` when the decoder fails."""
        grey = _grey(image)
        try:
            found = zxingcpp.read_barcodes(
                grey,
                formats=_QR,
                text_mode=zxingcpp.TextMode.Plain,
                try_rotate=False,  # QR finder patterns are found in any orientation anyway
                try_downscale=True,
                try_invert=True,  # an app in dark mode shows light modules on dark
            )
        except Exception as e:  # zxing's own errors carry no pixel or text data
            raise ScanFailed(f"QR decoder failed: {type(e).__name__}") from None
        if found:
            best = max(found, key=lambda b: _area(_quad(b.position)))
            return ScanResult(best.text, None, _quad(best.position))
        screen = find_screen(grey)
        if screen is None:
            return NOTHING
        return ScanResult(None, screen.guidance, screen.quad)


def _grey(image: Image) -> Image:
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.size == 0:
        raise FrameUnreadable("a frame must be a non-empty uint8 array")
    if image.ndim == 2:
        return image
    if image.ndim == 3 and image.shape[2] == 3:
        grey: Image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        return grey
    raise FrameUnreadable(f"a frame must be height × width × 3 (BGR) or height × width, not {image.shape}")


def _quad(position: Any) -> Quad:
    corners = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    return tuple((int(p.x), int(p.y)) for p in corners)  # type: ignore[return-value]


def _area(quad: Quad) -> float:
    return abs(float(cv2.contourArea(np.array(quad, dtype=np.float32))))

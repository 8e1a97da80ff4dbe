"""A phone held up to the simulated camera, its screen showing a QR code (the citizen's app).

`PhoneShot(text, glare=, blur=, rotation=, scale=, tilt=, centre=)` says what the citizen holds
up and how; `PhoneLayer(shot, width, height)` draws it once into the camera's frame geometry and
`layer.over(image)` lays it over any frame (the person scene, a video, an empty booth), so the
QR decoder meets the same kinds of pixels it meets at a kiosk:

- the phone: a dark body with rounded corners, its lit screen (the app's header band, the code
  with its white margin, lines of text under it), the citizen's hand holding its lower half;
- the code drawn by the `qrcode` package (an encoder independent of the decoders under test),
  error correction M, as an app shows it;
- drawn three times larger and reduced with area averaging (edges blend like a lens's), then
  turned (`rotation`, in the image plane) and seen in perspective (`tilt`, about its vertical
  axis) with bilinear interpolation;
- `glare`: the reflection of a ceiling light on the glass, a bright patch with a saturated core
  whose radius is `glare` × the code's width, centred on the code's right half;
- `blur`: the phone moving while the sensor exposes, a motion blur `blur` pixels long (in the
  frame) across the phone only, its edges included;
- every frame: the phone's part re-encoded as JPEG (quality `JPEG_QUALITY`) like a webcam's
  compressed stream; the camera adds its sensor noise after.

Sizes at `scale` 1.0 are those of a 7 × 15 cm phone held about 30 cm from a 640 × 480 camera
with a 60° field of view (~18 pixels per centimetre): the phone 126 × 270 pixels, the code
about 92 pixels wide, 3 pixels a module for a `TRA1:` request (version 3). `scale` 0.5 is the
same phone twice as far away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
import qrcode
import qrcode.constants

Image = npt.NDArray[Any]  # cv2 types its arrays loosely; frames are uint8 BGR

PHONE_W_PX = 126
"""Width of the phone in the frame at scale 1.0 (its height is `PHONE_ASPECT` times more)."""
PHONE_ASPECT = 2.14
CODE_SHARE = 0.73
"""The code (quiet zone excluded) spans this share of the phone's width, as apps draw it."""
SUPERSAMPLE = 3
JPEG_QUALITY = 80
GLARE_CENTRE = (0.72, 0.45)
"""Where the reflection sits, as fractions of the code's width and height from its top left."""

_BODY = (32, 28, 28)
_SCREEN = (238, 236, 232)
_HEADER = (160, 90, 30)  # the app's blue band
_TEXT = (120, 115, 110)
_SKIN = (110, 150, 200)


@dataclass(frozen=True)
class PhoneShot:
    """What the citizen holds up to the camera, and how."""

    text: str
    """The text the app's QR code carries."""
    glare: float = 0.0
    """Radius of the saturated reflection on the glass, as a share of the code's width (0: none;
    0.1 a small highlight a decoder reads through; from 0.15 it hides too much of the code; from
    0.6 the whole code is washed out)."""
    blur: float = 0.0
    """Length in frame pixels of the motion blur of a moving phone (0: held still)."""
    rotation: float = 0.0
    """Degrees the phone is turned in the image plane (counter-clockwise)."""
    scale: float = 1.0
    """1.0: held about 30 cm from the camera; 0.5: twice as far (half as big)."""
    tilt: float = 0.0
    """Degrees the phone is turned about its vertical axis (seen in perspective)."""
    centre: tuple[float, float] = (0.45, 0.58)
    """Where the phone's centre is, as fractions of the frame's width and height."""


def qr_modules(text: str) -> npt.NDArray[np.bool_]:
    """The code's modules (True = dark), without a quiet zone, error correction M."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return np.array(code.get_matrix(), dtype=bool)


def _rounded_rect(img: Image, x0: int, y0: int, x1: int, y1: int, r: int, colour: tuple[int, ...]) -> None:
    cv2.rectangle(img, (x0 + r, y0), (x1 - r, y1), colour, -1)
    cv2.rectangle(img, (x0, y0 + r), (x1, y1 - r), colour, -1)
    for cx, cy in ((x0 + r, y0 + r), (x1 - r, y0 + r), (x0 + r, y1 - r), (x1 - r, y1 - r)):
        cv2.circle(img, (cx, cy), r, colour, -1, lineType=cv2.LINE_AA)


def draw_phone(text: str, width_px: int, glare: float = 0.0) -> tuple[Image, Image, tuple[int, int, int]]:
    """The phone and the hand holding it, upright, `width_px` wide: (BGR picture, alpha 0-255,
    the code's left, top and width in the picture)."""
    w = width_px
    h = round(w * PHONE_ASPECT)
    pad = w // 2  # room for the hand and for turning without cutting corners
    canvas = np.zeros((h + 2 * pad, w + 2 * pad, 3), dtype=np.uint8)
    alpha = np.zeros(canvas.shape[:2], dtype=np.uint8)
    x0, y0, x1, y1 = pad, pad, pad + w - 1, pad + h - 1
    corner = max(2, w // 9)
    _rounded_rect(canvas, x0, y0, x1, y1, corner, _BODY)
    _rounded_rect(alpha, x0, y0, x1, y1, corner, (255,))
    bezel = max(1, w // 24)
    sx0, sy0, sx1, sy1 = x0 + bezel, y0 + 3 * bezel, x1 - bezel, y1 - 3 * bezel
    _rounded_rect(canvas, sx0, sy0, sx1, sy1, max(1, corner - bezel), _SCREEN)
    # The app: a header band with a title, the code, two lines of text under it.
    header_h = (sy1 - sy0) // 9
    cv2.rectangle(canvas, (sx0, sy0 + corner // 2), (sx1, sy0 + header_h), _HEADER, -1)
    cv2.rectangle(canvas, (sx0 + w // 8, sy0 + header_h // 2), (sx0 + w // 2, sy0 + header_h * 3 // 4), _SCREEN, -1)
    dark = qr_modules(text)
    n = dark.shape[0]
    code_w = round(w * CODE_SHARE)
    module = code_w / n
    code_x = (x0 + x1 + 1) // 2 - code_w // 2
    code_y = sy0 + header_h + round(2.5 * module) + (sy1 - sy0) // 12
    cells = cv2.resize(dark.astype(np.uint8), (code_w, code_w), interpolation=cv2.INTER_NEAREST) > 0
    canvas[code_y : code_y + code_w, code_x : code_x + code_w][cells] = 0
    for i, share in enumerate((0.8, 0.55)):
        ty = code_y + code_w + round(3 * module) + i * max(3, w // 12)
        cv2.rectangle(canvas, (code_x, ty), (code_x + round(code_w * share), ty + max(1, w // 36)), _TEXT, -1)
    if glare > 0:
        _add_glare(canvas, (sx0, sy0, sx1, sy1), (code_x, code_y, code_w), glare)
    # The hand: a palm under the phone's lower half, the thumb over its left edge, fingers
    # curled round its right edge.
    palm = ((x0 + x1) // 2, y1 + h // 12)
    axes = (round(w * 0.58), round(h * 0.15))
    for img, colour in ((canvas, _SKIN), (alpha, (255,))):
        cv2.ellipse(img, palm, axes, 0, 0, 360, colour, -1, cv2.LINE_AA)
        cv2.ellipse(img, (x0 + w // 14, y1 - h // 4), (w // 9, h // 7), -15, 0, 360, colour, -1, cv2.LINE_AA)
        for k in range(3):
            cv2.ellipse(img, (x1, y1 - h // 3 + k * (h // 11)), (w // 8, h // 28), 0, 0, 360, colour, -1, cv2.LINE_AA)
    return canvas, alpha, (code_x, code_y, code_w)


def _add_glare(canvas: Image, screen: tuple[int, int, int, int], code: tuple[int, int, int], share: float) -> None:
    """A ceiling light's reflection on the screen's glass: a saturated core, a soft halo."""
    sx0, sy0, sx1, sy1 = screen
    cx0, cy0, cw = code
    centre = (cx0 + GLARE_CENTRE[0] * cw, cy0 + GLARE_CENTRE[1] * cw)
    radius = share * cw
    ys, xs = np.mgrid[0 : canvas.shape[0], 0 : canvas.shape[1]].astype(np.float32)
    # An elongated reflection (a strip light seen at an angle): wider than tall.
    d = np.sqrt(((xs - centre[0]) / 1.3) ** 2 + ((ys - centre[1]) / 0.8) ** 2)
    light = np.clip(1.6 - 0.6 * d / max(radius, 1e-3), 0.0, 1.6)  # ≥ 1 (saturated) within the radius
    light = np.where(d <= radius, 1.6, light * np.exp(-((d - radius) / (0.5 * radius + 1)) ** 2))
    lit = canvas[sy0 : sy1 + 1, sx0 : sx1 + 1].astype(np.float32) + light[sy0 : sy1 + 1, sx0 : sx1 + 1, None] * 255.0
    canvas[sy0 : sy1 + 1, sx0 : sx1 + 1] = np.clip(lit, 0, 255).astype(np.uint8)


def _placement(shot: PhoneShot, size: tuple[int, int], frame: tuple[int, int]) -> Image:
    """The homography from the upright phone picture to the frame."""
    pw, ph = size
    fw, fh = frame
    cx, cy = shot.centre[0] * fw, shot.centre[1] * fh
    theta = math.radians(shot.tilt)
    distance = 3.0 * pw  # perspective as seen from about three phone-widths away
    corners = [(0.0, 0.0), (pw - 1.0, 0.0), (pw - 1.0, ph - 1.0), (0.0, ph - 1.0)]
    rot = math.radians(-shot.rotation)
    out = []
    for x, y in corners:
        dx, dy = x - (pw - 1) / 2, y - (ph - 1) / 2
        z = distance - dx * math.sin(theta)
        px, py = dx * math.cos(theta) * distance / z, dy * distance / z
        out.append((cx + px * math.cos(rot) - py * math.sin(rot), cy + px * math.sin(rot) + py * math.cos(rot)))
    m: Image = cv2.getPerspectiveTransform(np.array(corners, np.float32), np.array(out, np.float32))
    return m


class PhoneLayer:
    """The phone drawn once for a camera's frame size; `over(image)` lays it over a frame."""

    def __init__(self, shot: PhoneShot, width: int, height: int) -> None:
        self.shot = shot
        w = max(8, round(PHONE_W_PX * shot.scale))
        big, big_alpha, (bx, by, bw) = draw_phone(shot.text, w * SUPERSAMPLE, shot.glare)
        small_size = (big.shape[1] // SUPERSAMPLE, big.shape[0] // SUPERSAMPLE)
        picture = cv2.resize(big, small_size, interpolation=cv2.INTER_AREA)
        alpha = cv2.resize(big_alpha, small_size, interpolation=cv2.INTER_AREA)
        m = _placement(shot, small_size, (width, height))
        warped = cv2.warpPerspective(picture, m, (width, height), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
        weight: Image = cv2.warpPerspective(alpha, m, (width, height), flags=cv2.INTER_LINEAR, borderValue=0).astype(np.float32) / 255
        premultiplied: Image = warped.astype(np.float32) * weight[:, :, None]
        if shot.blur > 0:
            kernel = _motion_kernel(shot.blur)
            premultiplied = cv2.filter2D(premultiplied, -1, kernel)
            weight = cv2.filter2D(weight, -1, kernel)
        ys, xs = np.nonzero(weight > 0.002)
        if len(xs) == 0:
            raise ValueError("the phone lies outside the frame")
        self.box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
        """The phone's bounding box in the frame: left, top, right, bottom."""
        x0, y0, x1, y1 = self.box
        self._premultiplied = premultiplied[y0:y1, x0:x1]
        self._keep = 1.0 - weight[y0:y1, x0:x1, None]
        code = np.array([[bx, by], [bx + bw, by], [bx + bw, by + bw], [bx, by + bw]], np.float32) / SUPERSAMPLE
        self.code_corners = cv2.perspectiveTransform(code[None], m)[0]
        """The code's four corners in the frame (top left, top right, bottom right, bottom left
        of the upright code)."""

    def over(self, image: Image) -> Image:
        """A copy of `image` with the phone in front of it."""
        out = image.copy()
        x0, y0, x1, y1 = self.box
        region = out[y0:y1, x0:x1].astype(np.float32) * self._keep + self._premultiplied
        ok, jpeg = cv2.imencode(".jpg", np.clip(region, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        out[y0:y1, x0:x1] = cv2.imdecode(jpeg, cv2.IMREAD_COLOR) if ok else region.astype(np.uint8)
        return out


def _motion_kernel(length: float) -> Image:
    """A line `length` pixels long, 20° off horizontal: a hand's sideways shake."""
    size = int(math.ceil(length)) | 1
    kernel = np.zeros((size, size), np.float32)
    c = size // 2
    dx, dy = math.cos(math.radians(20)) * length / 2, math.sin(math.radians(20)) * length / 2
    cv2.line(kernel, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1, cv2.LINE_AA)
    total = float(kernel.sum())
    return kernel / total if total > 0 else kernel

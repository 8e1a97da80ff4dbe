"""The phone's lit screen in a camera frame, found without decoding anything, and judged: too far,
glare on it, or blurred. It only chooses the guidance shown while the decoder reads nothing.

A phone held up to the kiosk shows a bright rectangle (its lit screen) with something dark inside
it (the code, the app's text). The frame is reduced by half (area averaging); pixels at least
`BRIGHT` grey are lit; each lit region, its holes filled, is a candidate screen when it is
rectangular (`MIN_RECTANGULARITY` of its rotated bounding rectangle), shaped like a phone
(long side / short side within `ASPECT`), at least `MIN_AREA_PX` large, and holds dark content
(`MIN_CONTENT`..`MAX_CONTENT` of its area; less is enough when glare washed the code out). The
largest candidate is the screen. Nothing smaller or of another shape counts: walls, shirts,
lamps and windows carry no dark content or are not phone-shaped.

Judged at full resolution, in this order (the first that holds is the guidance):
- `move_closer`: the screen is narrower than `MIN_SCREEN_PX`;
- `avoid_glare`: more than `GLARE_SHARE` of the screen is saturated (grey ≥ `SATURATED`);
- `hold_still`: the code's edges are soft: wider than `MAX_EDGE_MODULES` of the code's modules
  (a phone moving while the sensor exposes, or out of focus). An edge's width is the content's
  contrast over the steepest tenth of its grey-level steps from one pixel to the next, in the
  softer of the two directions; the module is estimated from the screen's width.

The thresholds were set on the simulated camera's phone (`drivers.camera.phone`) against what the
decoder reads (`benchmarks/app_scan.py --section conditions` prints both side by side); the guidance is
only ever asked for when the decoder read nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.app_scan.guidance import Guidance

Grey = npt.NDArray[Any]  # cv2 types its arrays loosely; here uint8, height × width
Quad = tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]

BRIGHT = 170
"""Grey level from which a pixel counts as lit (a phone screen at ordinary brightness, under the
exposure a camera sets for faces, is ~230-250)."""
SATURATED = 250
"""Grey level from which a pixel is saturated (the sensor clipped it: a reflection)."""
MIN_AREA_PX = 600
"""Smallest screen considered, in frame pixels (about 20 × 30: a phone more than a metre away)."""
MIN_RECTANGULARITY = 0.8
ASPECT = (1.1, 3.0)
"""Long side / short side of a phone screen in portrait, with the hand covering some of it."""
MIN_CONTENT = 0.1
MAX_CONTENT = 0.75
"""Share of the screen that is dark content (the code, the app's text)."""
GLARE_MIN_CONTENT = 0.01
"""Dark content still required of a screen partly washed out by glare."""
MIN_SCREEN_PX = 64
"""Narrower screens are too far: the app draws the code about 0.8 of the screen's width, so below
64 px a `TRA1:` code (29 modules) gets fewer than ~1.75 px a module; the decoder read 1.6 px a
module in three frames of four, 1.45 px rarely, 1.3 px never (`benchmarks/app_scan.py`)."""
GLARE_SHARE = 0.02
"""Share of the screen saturated above which a reflection is the likely reason for no read."""
CODE_SHARE = 0.8
"""The app's code spans about this share of its screen's width."""
REQUEST_MODULES = 29
"""Modules across a `TRA1:` request's code (27 bytes: version 3 at error correction M)."""
MAX_EDGE_MODULES = 1.85
"""Edges wider than this many modules are blurred: measured on the simulated phone, a sharp code's
edges span 1.2-1.8 modules (turned, tilted or not), a code that moved by two modules during the
exposure, which the decoder no longer reads, 1.9-2.3, by four modules about 3."""


@dataclass(frozen=True, slots=True)
class Screen:
    """A phone's lit screen seen in a frame, with what was measured on it."""

    quad: Quad
    """Its rotated bounding rectangle's corners, in frame pixels."""
    width_px: float
    """Its short side, in frame pixels."""
    glare: float
    """Share of it saturated."""
    edge_px: float
    """Width of the content's edges, in frame pixels (see `MAX_EDGE_MODULES`); 0 when there was
    no content to measure."""

    @property
    def module_px(self) -> float:
        """The size of a module of the app's code shown on this screen, estimated."""
        return CODE_SHARE * self.width_px / REQUEST_MODULES

    @property
    def guidance(self) -> Guidance | None:
        if self.width_px < MIN_SCREEN_PX:
            return "move_closer"
        if self.glare > GLARE_SHARE:
            return "avoid_glare"
        if self.edge_px > MAX_EDGE_MODULES * self.module_px:
            return "hold_still"
        return None


@dataclass(frozen=True, slots=True)
class _Candidate:
    rect: tuple[tuple[float, float], tuple[float, float], float]
    box: tuple[int, int, int, int]  # x, y, w, h in the half-size frame
    filled: npt.NDArray[np.uint8]  # the screen, holes filled, in that box
    area: int


def find_screen(grey: Grey) -> Screen | None:
    """The largest phone screen in the frame (uint8 grey), or None."""
    h, w = grey.shape[:2]
    half = cv2.resize(grey, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    lit = (half >= BRIGHT).astype(np.uint8)
    saturated = half >= SATURATED
    contours, _ = cv2.findContours(lit, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    best: _Candidate | None = None
    for contour in contours:
        if cv2.contourArea(contour) < MIN_AREA_PX / 4:
            continue
        rect = cv2.minAreaRect(contour)
        short, long = sorted(rect[1])
        if short <= 0 or not ASPECT[0] <= long / short <= ASPECT[1]:
            continue
        x, y, bw, bh = cv2.boundingRect(contour)
        filled = np.zeros((bh, bw), np.uint8)
        cv2.drawContours(filled, [contour - np.array([x, y])], -1, 1, -1)
        area = int(np.count_nonzero(filled))
        if area < MIN_AREA_PX / 4 or area < MIN_RECTANGULARITY * short * long:
            continue
        inside = filled.astype(bool)
        content = 1.0 - np.count_nonzero(lit[y : y + bh, x : x + bw][inside]) / area
        glare = np.count_nonzero(saturated[y : y + bh, x : x + bw][inside]) / area
        if not (MIN_CONTENT <= content <= MAX_CONTENT or (glare > GLARE_SHARE and GLARE_MIN_CONTENT <= content)):
            continue
        if best is None or area > best.area:
            (cx, cy), (rw, rh), angle = rect
            best = _Candidate(((cx, cy), (rw, rh), angle), (x, y, bw, bh), filled, area)
    return None if best is None else _measure(grey, best)


def _measure(grey: Grey, found: _Candidate) -> Screen:
    x, y, bw, bh = found.box
    x0, y0 = 2 * x, 2 * y
    region = grey[y0 : y0 + 2 * bh, x0 : x0 + 2 * bw]
    inside = cv2.resize(found.filled, (region.shape[1], region.shape[0]), interpolation=cv2.INTER_NEAREST).astype(bool)
    area = max(1, int(np.count_nonzero(inside)))
    glare = np.count_nonzero(region[inside] >= SATURATED) / area
    (cx, cy), (rw, rh), angle = found.rect
    corners = cv2.boxPoints(((2 * cx + 0.5, 2 * cy + 0.5), (2 * rw, 2 * rh), angle))
    quad = tuple((int(round(px)), int(round(py))) for px, py in corners)
    return Screen(quad, 2.0 * min(rw, rh), float(glare), _edge_px(region, inside))  # type: ignore[arg-type]


def _edge_px(region: Grey, inside: npt.NDArray[np.bool_]) -> float:
    """How wide the edges of the dark content are, in pixels (see `MAX_EDGE_MODULES`)."""
    ys, xs = np.nonzero(inside & (region < BRIGHT))
    if len(xs) < 16:
        return 0.0
    content = region[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.float32)
    lo, hi = np.percentile(content, (5, 95))
    steepest = min(float(np.percentile(np.abs(np.diff(content, axis=axis)), 90)) for axis in (0, 1))
    if hi - lo < 1 or steepest <= 0:
        return 0.0
    return float((hi - lo) / steepest)

"""How open the eyes are, from the image between each eye's two corners (dlib's five landmarks).

Five landmarks give the corners of each eye but not the lids, so the opening is read from the
pixels: each eye is resampled into a small patch along its own axis (corner to corner, and 0.3 eye
widths above and below it, so the brow stays out), and the *openness* is the share of that patch
darker than `DARK_FRACTION` of its bright skin (its 90th percentile). An open eye shows the iris and
pupil, a large dark area; a closed lid is skin with a thin lash line. The threshold follows the
patch's own brightness, so dim light or a darker skin does not change the reading much.

The figure means nothing in absolute terms (it varies with the person, glasses, the light): the
liveness judges it only against the citizen's own baseline taken at capture, as it judged the eye
aspect ratio before. Measured on the simulated scenes (synthetic people): open 0.44-0.54, painted
shut 0.17-0.28 (ratio 0.32-0.64); on the card profiles' chip photos, open eyes read 0.44.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.face.pose import LEFT_INNER, LEFT_OUTER, RIGHT_INNER, RIGHT_OUTER, Points

Image = npt.NDArray[Any]

PATCH_W, PATCH_H = 32, 16
"""Size of the resampled eye patch (pixels along and across the eye)."""
ALONG = 1.2
"""Patch length, in eye widths (corner to corner plus a margin)."""
ACROSS = 0.6
"""Patch height, in eye widths (0.3 above and below the corner line)."""
DARK_FRACTION = 0.55
"""A pixel counts as dark below this fraction of the patch's 90th-percentile grey level."""


def eye_patch(grey: Image, outer: Points, inner: Points, out: Image | None = None) -> Image:
    """The eye between `outer` and `inner` (pixel coordinates), resampled along its axis."""
    axis = inner - outer
    length = float(np.hypot(axis[0], axis[1]))
    if length < 1.0:
        return np.zeros((PATCH_H, PATCH_W), dtype=np.uint8) if out is None else out
    u = axis / length
    if u[0] < 0:  # read both eyes left to right, so the patch is never upside down
        u = -u
    n = np.array([-u[1], u[0]])
    sx, sy = ALONG * length / PATCH_W, ACROSS * length / PATCH_H
    m = np.array([[u[0] * sx, n[0] * sy, 0.0], [u[1] * sx, n[1] * sy, 0.0]])
    centre = (outer + inner) / 2.0
    m[:, 2] = centre - m[:, :2] @ np.array([PATCH_W / 2.0, PATCH_H / 2.0])
    patch: Image = cv2.warpAffine(
        grey, m, (PATCH_W, PATCH_H), dst=out, flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return patch


def dark_share(patch: Image) -> float:
    """Share of the patch darker than `DARK_FRACTION` of its bright skin."""
    bright = float(np.percentile(patch, 90))
    if bright <= 0:
        return 0.0
    return float(np.count_nonzero(patch < DARK_FRACTION * bright)) / patch.size


def openness(grey: Image, points: Points) -> float:
    """Mean openness of both eyes (0 = no dark iris visible; open eyes ≈ 0.3-0.5)."""
    buf = np.empty((PATCH_H, PATCH_W), dtype=np.uint8)
    total = 0.0
    for outer, inner in ((RIGHT_OUTER, RIGHT_INNER), (LEFT_OUTER, LEFT_INNER)):
        total += dark_share(eye_patch(grey, points[outer], points[inner], buf))
    buf.fill(0)
    return total / 2.0

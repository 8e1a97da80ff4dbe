"""Synthesised frames of the simulated camera: a person who blinks or turns the head.

The simulated citizen follows the liveness prompts by changing the picture the way a real head
would change it, with nothing but image operations on the scene (the driver knows no face
analysis; each scene carries its face box and eye outlines in `scenes/scenes.json`):
- a blink paints the eye openings with the skin colour found under the eyes and draws the lid
  line;
- a head turn maps the face onto a vertical cylinder with the nose standing out of it and rotates
  it (`turn`), so the nose moves across the face faster than its outline, as in a real turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[Any]  # cv2 types its arrays loosely; frames are uint8 BGR
Polygon = Sequence[Sequence[float]]


def close_eyes(image: Image, eyes: Sequence[Polygon]) -> Image:
    """A copy of `image` with each eye polygon painted shut."""
    out = image.copy()
    for eye in eyes:
        pts = np.array(eye, dtype=np.float32)
        centre = pts.mean(axis=0)
        width = float(pts[:, 0].max() - pts[:, 0].min())
        # Grow the outline a little so no white of the eye is left at the corners.
        grown = (centre + (pts - centre) * np.array([1.15, 3.0], dtype=np.float32)).astype(np.int32)
        below_y = int(centre[1] + width * 0.45)
        x0, x1 = int(pts[:, 0].min()), int(pts[:, 0].max())
        patch = image[below_y : below_y + max(2, int(width * 0.2)), x0:x1]
        skin = patch.reshape(-1, 3).mean(axis=0) if patch.size else np.array([128.0, 128.0, 128.0])
        # A closed lid is a little darker than the cheek under it.
        cv2.fillPoly(out, [grown], tuple(float(c) * 0.9 for c in skin))
        # The lash line: a dark curve along the lower lid, from the outer to the inner corner.
        lid = np.array([pts[0], pts[5], pts[4], pts[3]], dtype=np.int32)
        cv2.polylines(out, [lid], False, tuple(float(c) * 0.3 for c in skin), max(2, int(width / 10)))
    smooth: Image = cv2.GaussianBlur(out, (3, 3), 0)
    return smooth


def turn(image: Image, box: Sequence[int], degrees: float, nose: Sequence[float] | None = None) -> Image:
    """A copy of `image` with the head inside `box` (left, top, right, bottom) turned by `degrees`.

    Positive degrees move the nose toward the right of the image. The head is a vertical cylinder
    a little wider than the face box, with the nose (at `nose`, when known) standing out of it, so
    the nose moves across the face faster than the cheeks, as in a real turn. Parts that turn
    out of sight fold away; what lies outside the cylinder follows its edge.
    """
    h, w = image.shape[:2]
    left, _top, right, _bottom = box
    cx = (left + right) / 2.0
    face_w = float(right - left)
    radius = face_w * 0.62
    theta = np.radians(degrees)
    xs = np.arange(w, dtype=np.float64) - cx
    ys = np.arange(h, dtype=np.float64)[:, None]
    across = np.clip(xs / radius, -0.97, 0.97)
    depth = np.broadcast_to(radius * np.sqrt(1 - across**2) - radius, (h, w)).copy()  # 0 at the front
    if nose is not None:
        nx, ny = nose[0] - cx, nose[1] - 0.12 * face_w
        depth += (
            0.30
            * radius
            * np.exp(-((xs - nx) ** 2) / (2 * (0.10 * face_w) ** 2))[None, :]
            * np.exp(-((ys - ny) ** 2) / (2 * (0.16 * face_w) ** 2))
        )
    # Where each source column lands after the rotation (orthographic), kept monotonic so that
    # hidden parts fold away; then inverted row by row for remap.
    landed = np.maximum.accumulate(xs[None, :] * np.cos(theta) + depth * np.sin(theta), axis=1)
    map_x = np.empty((h, w), dtype=np.float32)
    for y in range(h):
        map_x[y] = np.interp(xs, landed[y], xs) + cx
    map_y = np.repeat(np.arange(h, dtype=np.float32)[:, None], w, axis=1)
    out: Image = cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return out


def roll(image: Image, centre: Sequence[float], degrees: float) -> Image:
    """A copy of `image` rotated in the image plane around `centre` (the head tilting)."""
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((float(centre[0]), float(centre[1])), degrees, 1.0)
    out: Image = cv2.warpAffine(image, m, (w, h), borderMode=cv2.BORDER_REPLICATE)
    return out


def tilt_flat(image: Image, box: Sequence[int], degrees: float, distance_faces: float = 3.0) -> Image:
    """A copy of `image` seen as a flat print turned by `degrees` about the vertical line through
    the face's centre (what a printed photo held up and turned like a card looks like), in
    perspective from `distance_faces` face widths away. Positive degrees bring the image's right
    side nearer. Everything on the print moves together: no part stands out of it."""
    h, w = image.shape[:2]
    left, top, right, bottom = box
    cx, cy = (left + right) / 2.0, (top + bottom) / 2.0
    d = distance_faces * float(right - left)
    theta = np.radians(degrees)

    def seen(x: float, y: float) -> tuple[float, float]:
        dx, dy = x - cx, y - cy
        z = d - dx * np.sin(theta)  # the nearer side looks bigger
        return cx + dx * np.cos(theta) * d / z, cy + dy * d / z

    corners = [(0.0, 0.0), (w - 1.0, 0.0), (w - 1.0, h - 1.0), (0.0, h - 1.0)]
    src = np.array(corners, dtype=np.float32)
    dst = np.array([seen(x, y) for x, y in corners], dtype=np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    out: Image = cv2.warpPerspective(image, m, (w, h), borderMode=cv2.BORDER_REPLICATE)
    return out

"""Where the face should be: the oval the face screen draws, in the camera frame's own terms.

The quality gate (`kiosk.face.quality.judge`) takes a face whose centre lies within
`guide_tolerance` of the frame's centre (as a fraction of its width and height) and whose eyes are
at least `min_eye_distance_px` apart. The guide is the region such a face occupies: centred on the
frame, as wide as a face at a comfortable distance plus the tolerance on each side, so a face the
gate accepts sits inside the oval, and a face inside the oval is one the gate can accept. The UI
maps it with the same transform as the frame (whole frame shown, mirrored), so the oval is where
the gate measures, in portrait and in landscape.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.config import FaceSection

FACE_WIDTH_PER_EYE_DISTANCE = 2.4
"""A frontal face is about 2.4 eye distances wide (dlib's face box)."""
FACE_HEIGHT_PER_WIDTH = 1.35
COMFORT = 1.25
"""The face the oval is drawn for: a quarter closer than the smallest the gate accepts."""


@dataclass(frozen=True)
class Guide:
    """Fractions of the frame: centre x, centre y, width, height of the oval."""

    cx: float
    cy: float
    w: float
    h: float

    def contains(self, x: float, y: float) -> bool:
        """Whether a point (fractions of the frame) lies inside the oval."""
        return ((x - self.cx) / (self.w / 2)) ** 2 + ((y - self.cy) / (self.h / 2)) ** 2 <= 1.0


def guide(cfg: FaceSection, width: int, height: int) -> Guide:
    face_w = FACE_WIDTH_PER_EYE_DISTANCE * cfg.min_eye_distance_px * COMFORT
    face_h = FACE_HEIGHT_PER_WIDTH * face_w
    w = face_w / width + 2 * cfg.guide_tolerance
    h = face_h / height + 2 * cfg.guide_tolerance
    return Guide(0.5, 0.5, min(w, 0.96), min(h, 0.96))

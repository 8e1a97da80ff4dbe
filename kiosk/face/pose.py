"""Head pose from dlib's five landmarks: the four eye corners and the base of the nose.

dlib's 5-point model (`shape_predictor_5_face_landmarks.dat`, public domain, trained on dlib's own
5-point dataset) numbers its points: 0 and 1 the outer and inner corner of the eye on the image's
right, 2 and 3 the outer and inner corner of the eye on the image's left, 4 the base of the nose.

- **Roll** is the angle of the line through the two outer eye corners: exact.
- **Yaw** comes from parallax: the base of the nose stands in front of the eye corners, so when the
  head turns it slides sideways against their midpoint (offset / outer-corner distance =
  `NOSE_DEPTH` × tan(yaw) for an average face). A flat picture turned in front of the camera has
  no parallax: its nose stays where it is between the printed eyes, whatever the angle.
- **Pitch** compares how far the nose base sits below the eye line with an average face
  (`TYPICAL_DROP`). That ratio differs from one face to another by about ±0.06, i.e. ±15°, so an
  absolute pitch is coarse; liveness never uses it, the quality gate only refuses a clearly raised
  or lowered head.

Measured on the card profiles' chip photos and the simulated scenes (synthetic people): frontal
faces read −4° to +4° of yaw; a head turned 30° by `synth.turn` reads 17° to 31° away from its
frontal reading; the outer-corner distance is about 1.4× the distance between the eye centres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Points = npt.NDArray[np.float64]

RIGHT_OUTER, RIGHT_INNER, LEFT_OUTER, LEFT_INNER, NOSE = 0, 1, 2, 3, 4
"""Indices of dlib's five points (right/left as seen in the image)."""
POINTS = 5
NOSE_DEPTH = 0.30
"""How far the nose base stands in front of the eye corners, as a fraction of the outer-corner
distance (average adult face): the nose's sideways offset is this × tan(yaw)."""
TYPICAL_DROP = 0.58
"""Nose base below the eye line, as a fraction of the outer-corner distance, for a frontal face
(on the chip photos and the simulated scenes: 0.54-0.63)."""
PITCH_GAIN = 0.24
"""Change of that ratio per radian of pitch (the nose's depth over the corner distance)."""


@dataclass(frozen=True)
class Pose:
    yaw_deg: float
    """Positive = nose toward the right of the image (the citizen's left, unmirrored camera)."""
    pitch_deg: float
    """Positive = chin up (coarse: see the module's docstring)."""
    roll_deg: float
    """Tilt of the eye line; positive = the image-right eye lower."""


def eye_centres(points: Points) -> tuple[Points, Points]:
    """Centres of the eye on the image's left and on its right (midpoints of each eye's corners)."""
    left = (points[LEFT_OUTER] + points[LEFT_INNER]) / 2.0
    right = (points[RIGHT_OUTER] + points[RIGHT_INNER]) / 2.0
    return left, right


def head_pose(points: Points) -> Pose:
    """Yaw, pitch and roll of a face from its five landmarks (pixel coordinates)."""
    if points.shape != (POINTS, 2):
        raise ValueError(f"head_pose needs dlib's {POINTS} landmarks, got an array of shape {points.shape}")
    across = points[RIGHT_OUTER] - points[LEFT_OUTER]
    roll = math.atan2(across[1], across[0])
    # Undo the roll around the middle of the four eye corners, then measure in the face's frame.
    c, s = math.cos(-roll), math.sin(-roll)
    upright = (points - points[:4].mean(axis=0)) @ np.array([[c, s], [-s, c]])
    outer = upright[RIGHT_OUTER, 0] - upright[LEFT_OUTER, 0]
    if outer <= 0:
        return Pose(90.0, 90.0, math.degrees(roll))
    yaw = math.atan(upright[NOSE, 0] / outer / NOSE_DEPTH)
    # A turned head shows its eye corners closer together (cos yaw); the drop is not shortened.
    drop = upright[NOSE, 1] / outer * math.cos(yaw)
    pitch = math.atan((TYPICAL_DROP - drop) / PITCH_GAIN)
    return Pose(math.degrees(yaw), math.degrees(pitch), math.degrees(roll))

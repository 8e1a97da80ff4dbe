"""What one camera frame shows: the faces, and for the main face its landmarks, head pose, eye
opening, light and sharpness. Pure measurement; the quality gate and liveness judge the numbers.

Detection runs dlib's HOG detector on a downscaled grey frame (the cost grows with the pixel
count: ≈ 3 ms at 320×240 against ≈ 12 ms at 640×480). HOG finds nothing smaller than about
80 px, so when the downscaled frame shows no face the full-resolution frame is searched too: a
citizen standing far away then gets "move closer" rather than "no face". Landmarks (68 points)
are always taken at capture resolution.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.face.models import FaceModels, dlib_module

Image = npt.NDArray[Any]  # cv2 types its arrays loosely; frames are uint8 BGR
Points = npt.NDArray[np.float64]

SHARPNESS_CROP_PX = 128
"""Side of the square face crop the sharpness is measured on (so it does not depend on distance)."""

# A generic 3-D head (millimetre-like units) for the six landmarks used by solvePnP: nose tip,
# chin, outer eye corners, mouth corners. Good to a few degrees, which is what the gate needs.
_MODEL_POINTS = np.array(
    [
        (0.0, 0.0, 0.0),
        (0.0, -330.0, -65.0),
        (-225.0, 170.0, -135.0),
        (225.0, 170.0, -135.0),
        (-150.0, -150.0, -125.0),
        (150.0, -150.0, -125.0),
    ],
    dtype=np.float64,
)
_POSE_LANDMARKS = [30, 8, 36, 45, 48, 54]


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2

    def iou(self, other: Box) -> float:
        """Intersection over union: how much two boxes overlap (1 = identical)."""
        w = min(self.right, other.right) - max(self.left, other.left)
        h = min(self.bottom, other.bottom) - max(self.top, other.top)
        if w <= 0 or h <= 0:
            return 0.0
        inter = w * h
        return inter / (self.width * self.height + other.width * other.height - inter)


@dataclass(frozen=True)
class FaceObservation:
    box: Box
    landmarks: Points
    """68 (x, y) points at capture resolution (dlib's iBUG 300-W numbering)."""
    eye_distance_px: float
    """Distance between the eye centres, pixels at capture resolution."""
    yaw_deg: float
    """Head turn; positive = nose toward the right of the image (the citizen's left, unmirrored)."""
    pitch_deg: float
    """Head nod; positive = chin up."""
    roll_deg: float
    """Head tilt in the image plane."""
    ear: float
    """Eye aspect ratio, mean of both eyes (≈ 0.3 open, falls when the eyes close)."""
    brightness: float
    """Mean grey level of the face crop, 0-255."""
    unevenness: float
    """Difference between the mean grey levels of the face's left and right halves, 0-255."""
    sharpness: float
    """Variance of the Laplacian of the face crop resized to 128×128."""


@dataclass(frozen=True)
class FrameAnalysis:
    width: int
    height: int
    faces: list[Box]
    face: FaceObservation | None
    """The largest face, measured; None when there is none."""
    seconds: float
    """Time the analysis took."""


def to_grey(image: Image, out: Image | None = None) -> Image:
    """Grey copy of a BGR frame, written into `out` when its shape fits (a buffer the caller wipes)."""
    if image.ndim == 2:
        return image
    if out is not None and out.shape == image.shape[:2]:
        cv2.cvtColor(image, cv2.COLOR_BGR2GRAY, dst=out)
        return out
    grey: Image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return grey


def detect(models: FaceModels, grey: Image, scale: float, upsample: int = 0) -> list[Box]:
    """Faces on `grey` (boxes at its own resolution), searched on a copy scaled by `scale`."""
    small = grey if scale == 1.0 else cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    found = models.detector(small, upsample)
    h, w = grey.shape[:2]
    boxes = [
        Box(
            max(0, round(r.left() / scale)),
            max(0, round(r.top() / scale)),
            min(w, round(r.right() / scale)),
            min(h, round(r.bottom() / scale)),
        )
        for r in found
    ]
    return sorted(boxes, key=lambda b: b.width * b.height, reverse=True)


def landmarks(models: FaceModels, grey: Image, box: Box) -> Points:
    dlib = dlib_module()
    shape = models.landmarks(grey, dlib.rectangle(box.left, box.top, box.right, box.bottom))
    return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)


def eye_aspect_ratio(points: Points) -> float:
    """Mean of both eyes' (vertical openings) / (2 × width) (Soukupová & Čech, 2016)."""

    def one(eye: Points) -> float:
        v = np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])
        h = np.linalg.norm(eye[0] - eye[3])
        return float(v / (2.0 * h)) if h > 0 else 0.0

    return (one(points[36:42]) + one(points[42:48])) / 2.0


def head_pose(points: Points, width: int, height: int) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees: pitch from six landmarks and a generic head model."""
    image_points = points[_POSE_LANDMARKS].astype(np.float64)
    focal = float(width)
    camera = np.array([[focal, 0, width / 2], [0, focal, height / 2], [0, 0, 1]], dtype=np.float64)
    ok, rvec, _ = cv2.solvePnP(_MODEL_POINTS, image_points, camera, np.zeros(4), flags=cv2.SOLVEPNP_ITERATIVE)
    if not ok:
        return 90.0, 90.0, 90.0
    rot, _ = cv2.Rodrigues(rvec)
    # Euler angles of the head relative to the camera (x: pitch, y: yaw, z: roll).
    pitch = math.degrees(math.atan2(rot[2, 1], rot[2, 2]))
    # The model's y axis points up and the image's down: fold pitch into (-90, 90].
    pitch = (pitch + 360.0) % 360.0 - 180.0
    pitch = -pitch
    eyes = points[45] - points[36]
    roll = math.degrees(math.atan2(eyes[1], eyes[0]))
    return contour_yaw(points), pitch, roll


def contour_yaw(points: Points) -> float:
    """Head turn from where the nose tip sits between the two sides of the face outline.

    The generic-model pose overstates yaw on real faces and hardly moves for small turns; the nose
    against the jaw outline follows a turn monotonically in both directions. Scaled so that the
    nose at the outline (±1.2) reads ±90°.
    """
    left, right, nose = points[0, 0], points[16, 0], points[30, 0]
    span = right - left
    if span <= 0:
        return 90.0
    ratio = ((nose - left) - (right - nose)) / span
    return math.degrees(math.asin(max(-1.0, min(1.0, ratio / 1.2))))


def face_crop(grey: Image, box: Box, side: int = SHARPNESS_CROP_PX) -> Image:
    h, w = grey.shape[:2]
    crop = grey[max(0, box.top) : min(h, box.bottom), max(0, box.left) : min(w, box.right)]
    if crop.size == 0:
        return np.zeros((side, side), dtype=np.uint8)
    out: Image = cv2.resize(crop, (side, side), interpolation=cv2.INTER_AREA)
    return out


def observe(models: FaceModels, grey: Image, box: Box) -> FaceObservation:
    h, w = grey.shape[:2]
    points = landmarks(models, grey, box)
    left_eye = points[36:42].mean(axis=0)
    right_eye = points[42:48].mean(axis=0)
    yaw, pitch, roll = head_pose(points, w, h)
    crop = face_crop(grey, box)
    half = crop.shape[1] // 2
    return FaceObservation(
        box=box,
        landmarks=points,
        eye_distance_px=float(np.linalg.norm(right_eye - left_eye)),
        yaw_deg=yaw,
        pitch_deg=pitch,
        roll_deg=roll,
        ear=eye_aspect_ratio(points),
        brightness=float(crop.mean()),
        unevenness=float(abs(crop[:, :half].mean() - crop[:, half:].mean())),
        sharpness=float(cv2.Laplacian(crop, cv2.CV_64F).var()),
    )


def analyse(models: FaceModels, image: Image, detect_scale: float, grey_out: Image | None = None) -> FrameAnalysis:
    """Measure one BGR (or grey) frame (its grey copy goes into `grey_out` when given)."""
    start = time.perf_counter()
    grey = to_grey(image, grey_out)
    faces = detect(models, grey, detect_scale)
    if not faces and detect_scale < 1.0:
        faces = detect(models, grey, 1.0)
    face = observe(models, grey, faces[0]) if faces else None
    h, w = grey.shape[:2]
    return FrameAnalysis(w, h, faces, face, time.perf_counter() - start)

"""What one camera frame shows: the faces, and for the main face its landmarks, head pose, eye
opening, light and sharpness. Pure measurement; the quality gate and liveness judge the numbers.

Detection runs dlib's HOG detector on a downscaled grey frame (the cost grows with the pixel
count: ≈ 3 ms at 320×240 against ≈ 12 ms at 640×480). HOG finds nothing smaller than about
80 px, so when the downscaled frame shows no face the full-resolution frame is searched too: a
citizen standing far away then gets "move closer" rather than "no face". Landmarks are dlib's
five points (eye corners, nose base; `kiosk.face.pose`), always taken at capture resolution; the
eye opening is read from the pixels between the eye corners (`kiosk.face.eyes`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.face import eyes
from kiosk.face.models import FaceModels, dlib_module
from kiosk.face.pose import eye_centres, head_pose

Image = npt.NDArray[Any]  # cv2 types its arrays loosely; frames are uint8 BGR
Points = npt.NDArray[np.float64]

SHARPNESS_CROP_PX = 128
"""Side of the square face crop the sharpness is measured on (so it does not depend on distance)."""

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
    """dlib's 5 (x, y) points at capture resolution: eye corners and nose base (`kiosk.face.pose`)."""
    eye_distance_px: float
    """Distance between the eye centres, pixels at capture resolution."""
    yaw_deg: float
    """Head turn; positive = nose toward the right of the image (the citizen's left, unmirrored)."""
    pitch_deg: float
    """Head nod; positive = chin up."""
    roll_deg: float
    """Head tilt in the image plane."""
    eye_openness: float
    """Share of dark iris in the eye patches, mean of both eyes (≈ 0.3-0.5 open, falls when the
    eyes close; judged only against the citizen's own baseline)."""
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


def face_crop(grey: Image, box: Box, side: int = SHARPNESS_CROP_PX) -> Image:
    h, w = grey.shape[:2]
    crop = grey[max(0, box.top) : min(h, box.bottom), max(0, box.left) : min(w, box.right)]
    if crop.size == 0:
        return np.zeros((side, side), dtype=np.uint8)
    out: Image = cv2.resize(crop, (side, side), interpolation=cv2.INTER_AREA)
    return out


def observe(models: FaceModels, grey: Image, box: Box) -> FaceObservation:
    points = landmarks(models, grey, box)
    left_eye, right_eye = eye_centres(points)
    pose = head_pose(points)
    crop = face_crop(grey, box)
    half = crop.shape[1] // 2
    return FaceObservation(
        box=box,
        landmarks=points,
        eye_distance_px=float(np.linalg.norm(right_eye - left_eye)),
        yaw_deg=pose.yaw_deg,
        pitch_deg=pose.pitch_deg,
        roll_deg=pose.roll_deg,
        eye_openness=eyes.openness(grey, points),
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

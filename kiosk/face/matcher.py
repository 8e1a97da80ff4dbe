"""1:1 matching: dlib ResNet embeddings (128-d) and their Euclidean distance.

The chip photo is small (148×178, the face ≈ 70 px wide): HOG finds nothing under ≈ 80 px, so the
photo is upsampled before detection, first ×2 and then with dlib's own pyramid upsampling.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.face.analysis import Box, Image, detect, to_grey
from kiosk.face.errors import ChipPhotoInvalid, ChipPhotoNoFace
from kiosk.face.models import FaceModels, dlib_module

Embedding = npt.NDArray[np.float64]
METHOD = "dlib-resnet-v1"
CHIP_MIN_HEIGHT_PX = 356
"""Chip photos smaller than this are enlarged (×2 for a 178 px photo) before detection."""


def embed(models: FaceModels, image: Image, box: Box) -> Embedding:
    """The embedding of the face in `box` of a BGR image."""
    dlib = dlib_module()
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    try:
        rect = dlib.rectangle(box.left, box.top, box.right, box.bottom)
        shape = models.landmarks(rgb, rect)
        return np.array(models.encoder.compute_face_descriptor(rgb, shape), dtype=np.float64)
    finally:
        rgb.fill(0)


def distance(a: Embedding, b: Embedding) -> float:
    return float(np.linalg.norm(a - b))


def decode(data: bytes | bytearray) -> Image:
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ChipPhotoInvalid(f"the chip photo ({len(data)} bytes) is not a decodable image")
    out: Image = image
    return out


def enlarge(image: Image) -> Image:
    h = image.shape[0]
    if h >= CHIP_MIN_HEIGHT_PX:
        return image
    factor = CHIP_MIN_HEIGHT_PX / h
    out: Image = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    return out


def reference_face(models: FaceModels, image: Image) -> tuple[Image, Box]:
    """The (possibly enlarged) chip image and its largest face; raises ChipPhotoNoFace."""
    big = enlarge(image)
    grey = to_grey(big)
    faces = detect(models, grey, 1.0) or detect(models, grey, 1.0, upsample=1)
    if not faces:
        raise ChipPhotoNoFace("no face can be found on the chip photo (send the citizen to staff)")
    return big, faces[0]

"""1:1 matching: dlib ResNet embeddings (128-d) and their Euclidean distance.

The chip photo is small (148×178, the face ≈ 70 px wide): HOG finds nothing under ≈ 80 px, so the
photo is upsampled before detection, first ×2 and then with dlib's own pyramid upsampling.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.face.analysis import Box, Image, detect, to_grey
from kiosk.face.embedder import CHIP_PADDING, CHIP_SIDE
from kiosk.face.errors import ChipPhotoInvalid, ChipPhotoNoFace
from kiosk.face.models import FaceModels, dlib_module

Embedding = npt.NDArray[np.float64]
METHOD = "dlib-resnet-v1"
CHIP_MIN_HEIGHT_PX = 356
"""Chip photos smaller than this are enlarged (×2 for a 178 px photo) before detection."""


def embed(models: FaceModels, image: Image, box: Box) -> Embedding:
    """The embedding of the face in `box` of a BGR image.

    The aligned chip is cut here (about 1 ms); the ResNet runs in the embedding worker, so this
    thread waits without holding the GIL. Same numbers as dlib's `compute_face_descriptor(image,
    shape)`, which cuts the same chip internally."""
    dlib = dlib_module()
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    chip: Image | None = None
    try:
        rect = dlib.rectangle(box.left, box.top, box.right, box.bottom)
        shape = models.landmarks(rgb, rect)
        chip = dlib.get_face_chip(rgb, shape, size=CHIP_SIDE, padding=CHIP_PADDING)
        rgb.fill(0)
        return models.encoder.embed(chip)
    finally:
        rgb.fill(0)
        if chip is not None:
            chip.fill(0)


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

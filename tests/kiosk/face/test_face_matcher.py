"""1:1 match: genuine under, impostor over the default threshold; chip photo errors."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

from kiosk.config import FaceSection
from kiosk.face import matcher
from kiosk.face.analysis import analyse, detect, to_grey
from kiosk.face.errors import ChipPhotoInvalid, ChipPhotoNoFace

CFG = FaceSection()


def live_embedding(models: Any, image: np.ndarray) -> np.ndarray:
    a = analyse(models, image, CFG.detect_scale)
    assert a.face is not None
    return matcher.embed(models, image, a.face.box)


def chip_embedding(models: Any, chip_jpeg: bytes) -> np.ndarray:
    big, box = matcher.reference_face(models, matcher.decode(chip_jpeg))
    return matcher.embed(models, big, box)


def test_genuine_matches_and_impostor_does_not_at_the_default_threshold(
    models: Any, chip_jpeg: bytes, person_a: Any, person_b: Any
) -> None:
    chip = chip_embedding(models, chip_jpeg)
    genuine = matcher.distance(chip, live_embedding(models, person_a[0]))
    impostor = matcher.distance(chip, live_embedding(models, person_b[0]))
    assert genuine <= CFG.match_threshold < impostor
    # margins on both sides, so the default is neither at the edge of genuine nor of impostor pairs
    assert CFG.match_threshold - genuine > 0.02 and impostor - CFG.match_threshold > 0.2


def test_the_default_is_stricter_than_dlibs_customary_threshold() -> None:
    assert CFG.match_threshold < 0.6


def test_chip_photo_needs_upsampling_and_gets_it(models: Any, chip_jpeg: bytes) -> None:
    image = matcher.decode(chip_jpeg)
    assert image.shape[:2] == (178, 148)
    # a tighter framing (smaller face, as some chip photos have) is missed by HOG at its own size
    smaller = cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    assert detect(models, to_grey(smaller), 1.0) == []
    for photo in (image, smaller):
        big, box = matcher.reference_face(models, photo)
        assert big.shape[0] >= matcher.CHIP_MIN_HEIGHT_PX and box.width > 80


def test_chip_photo_without_a_face_is_its_own_error(models: Any, booth: np.ndarray) -> None:
    ok, jpeg = cv2.imencode(".jpg", cv2.resize(booth, (148, 178)))
    with pytest.raises(ChipPhotoNoFace, match="staff"):
        matcher.reference_face(models, matcher.decode(jpeg.tobytes()))


def test_chip_photo_that_is_not_an_image() -> None:
    with pytest.raises(ChipPhotoInvalid, match="not a decodable image"):
        matcher.decode(b"\xff\xd8 this is not a JPEG")

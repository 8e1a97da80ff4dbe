"""The quality gate: the good capture passes, each degradation triggers its own reason and hint."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

from drivers.camera import synth
from kiosk.config import FaceSection
from kiosk.face import quality
from kiosk.face.analysis import analyse
from kiosk.face.hints import HINTS

CFG = FaceSection()


def reasons(models: Any, image: np.ndarray) -> list[str]:
    return quality.judge(CFG, analyse(models, image, CFG.detect_scale)).reasons


def test_good_capture_passes(models: Any, person_a: Any, person_b: Any) -> None:
    for image, _ in (person_a, person_b):
        report = quality.judge(CFG, analyse(models, image, CFG.detect_scale))
        assert report.ok, report.reasons
        assert report.hint is None
        assert report.measures["eye_distance_px"] >= CFG.min_eye_distance_px


def shifted(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(image, m, (image.shape[1], image.shape[0]), borderMode=cv2.BORDER_REPLICATE)


def small(image: np.ndarray, scale: float) -> np.ndarray:
    h, w = image.shape[:2]
    tiny = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    out = cv2.copyMakeBorder(tiny, 0, h - tiny.shape[0], 0, w - tiny.shape[1], cv2.BORDER_REPLICATE)
    return shifted(out, (w - tiny.shape[1]) // 2, (h - tiny.shape[0]) // 2)


def two_faces(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    half_a = cv2.resize(a[:, 80:560], (320, 320))
    half_b = cv2.resize(b[:, 80:560], (320, 320))
    row = np.hstack([half_a, half_b])
    return cv2.copyMakeBorder(row, 80, 80, 0, 0, cv2.BORDER_REPLICATE)


def uneven(image: np.ndarray, box: list[int]) -> np.ndarray:
    out = image.astype(np.float32)
    cx = (box[0] + box[2]) // 2
    out[:, :cx] *= 0.35  # light from one side: one half in shadow, the other lit a little more
    out[:, cx:] *= 1.3
    return np.clip(out, 0, 255).astype(np.uint8)


DEGRADATIONS = {
    "too_dark": lambda a, b, m: (a * 0.35).astype(np.uint8),
    "too_bright": lambda a, b, m: np.clip(a.astype(np.int16) * 2 + 60, 0, 255).astype(np.uint8),
    "blurred": lambda a, b, m: cv2.GaussianBlur(a, (0, 0), 3.5),
    "too_small": lambda a, b, m: small(a, 0.6),
    "multiple_faces": lambda a, b, m: two_faces(a, b),
    "off_centre": lambda a, b, m: shifted(a, 170, 0),
    "head_turned": lambda a, b, m: synth.turn(a, m["box"], -35, m["nose"]),
    "head_tilted": lambda a, b, m: synth.roll(a, ((m["box"][0] + m["box"][2]) / 2, (m["box"][1] + m["box"][3]) / 2), 25),
    "uneven_light": lambda a, b, m: uneven(a, m["box"]),
}


@pytest.mark.parametrize("reason", sorted(DEGRADATIONS))
def test_each_degradation_gives_its_reason(models: Any, person_a: Any, person_b: Any, reason: str) -> None:
    a, meta = person_a
    image = DEGRADATIONS[reason](a, person_b[0], meta)
    assert reason in reasons(models, image)


def test_no_face(models: Any, booth: np.ndarray) -> None:
    report = quality.judge(CFG, analyse(models, booth, CFG.detect_scale))
    assert report.reasons == ["no_face"]
    assert report.hint is not None and report.hint.code == "no_face"


def test_a_face_too_small_for_the_downscaled_search_is_still_found(models: Any, person_a: Any) -> None:
    image = small(person_a[0], 0.6)
    analysis = analyse(models, image, CFG.detect_scale)
    assert analysis.face is not None  # found at full size: the citizen hears "move closer", not "no face"
    assert quality.judge(CFG, analysis).hint.code == "move_closer"  # type: ignore[union-attr]


def test_every_reason_has_a_thai_and_english_hint() -> None:
    for reason, code in quality.REASON_HINTS.items():
        h = HINTS[code]
        assert h.th and h.en and h.th != h.en, reason
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in h.th), f"{code}: Thai text expected"

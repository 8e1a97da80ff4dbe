"""The new liveness through the simulated camera, in real time: the genuine citizen passes; a
printed photo, a still image sent as the stream, a print turned like a card, and cheats that can
only blink or only turn all fail, whatever order the challenges come in."""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest

from drivers.camera import SimulatedCamera
from drivers.camera.simulated import load_scene
from kiosk.config import FaceSection
from kiosk.face import FaceVerifier, run

pytestmark = pytest.mark.slow

CFG = FaceSection(attempts=1, challenge_timeout_s=2.0)


def step(chip_jpeg: bytes, scenario: str, seed: int, attempts: int = 1) -> tuple[str | None, list[str]]:
    verifier = FaceVerifier(CFG.model_copy(update={"attempts": attempts}), rng=random.Random(seed))
    verifier.reference(chip_jpeg)
    try:
        with SimulatedCamera(scenario, watchdog_s=1.0) as camera:
            result = run(verifier, camera, timeout_s=30.0)
            camera.wipe()
    finally:
        verifier.wipe()
    assert result is not None, f"{scenario}: the face step did not finish"
    return result.failure, result.liveness.challenges


def test_genuine_citizen_passes(chip_jpeg: bytes, models: object) -> None:
    for seed in (1, 2):  # blink first or a turn first
        failure, challenges = step(chip_jpeg, "genuine", seed, attempts=CFG.attempts + 1)
        assert failure is None, challenges


@pytest.mark.parametrize("scenario", ["printed_photo", "photo_tilted", "blink_only", "turn_only"])
def test_cheats_fail_liveness(chip_jpeg: bytes, models: object, scenario: str) -> None:
    for seed in (1, 2, 3):  # different orders and turn sides
        failure, challenges = step(chip_jpeg, scenario, seed)
        assert failure == "liveness_failed", (scenario, challenges)


def test_a_still_image_sent_as_the_stream_fails_liveness(chip_jpeg: bytes, models: object, tmp_path: Path) -> None:
    image, _ = load_scene("person_a.jpg")
    still = tmp_path / "still.png"
    moved = cv2.warpAffine(image, np.float32([[0.96, 0, 14], [0, 0.96, 12]]), (640, 480), borderMode=cv2.BORDER_REPLICATE)
    cv2.imwrite(str(still), moved)
    failure, _ = step(chip_jpeg, str(still), 5)
    assert failure == "liveness_failed"

"""The face step frame by frame (synthetic time): pass, mismatch, still photo, swap, lost face, wipe."""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np
import pytest

from drivers.camera.frame import Frame
from drivers.camera.simulated import Person
from kiosk.config import FaceSection
from kiosk.face import ChipPhotoNoFace, FaceVerifier
from tests.kiosk.face.conftest import play


def verifier(cfg: FaceSection, chip_jpeg: bytes, seed: int = 7) -> FaceVerifier:
    v = FaceVerifier(cfg, rng=random.Random(seed))
    v.reference(chip_jpeg)
    return v


def test_genuine_citizen_passes_with_the_evidence_recorded(chip_jpeg: bytes, actors: Any) -> None:
    cfg = FaceSection(liveness_challenges=3)
    done, seen = play(verifier(cfg, chip_jpeg), actors["genuine"])
    r = done.result
    assert r is not None and r.passed and r.failure is None
    assert r.match and r.distance <= r.threshold == cfg.match_threshold
    assert r.method == "dlib-resnet-v1" and r.attempts == 1
    assert r.liveness.passed and sorted(r.liveness.challenges) == ["blink", "turn_left", "turn_right"]
    phases = [p.phase for p in seen]
    assert phases.index("challenge") < phases.index("matching") < len(phases) - 1
    prompted = [p for p in seen if p.challenge]
    assert all(p.hint is not None and p.hint.code == p.challenge and p.seconds_left is not None for p in prompted)


def test_impostor_fails_with_face_mismatch_after_every_attempt(chip_jpeg: bytes, actors: Any) -> None:
    done, seen = play(verifier(FaceSection(attempts=3), chip_jpeg), actors["impostor"])
    r = done.result
    assert r is not None and r.failure == "face_mismatch" and not r.match and r.attempts == 3
    assert r.distance > r.threshold
    assert sum(1 for p in seen if p.hint is not None and p.hint.code == "try_again") == 2


def test_impostor_follows_prompts_so_only_the_match_stops_him(chip_jpeg: bytes, actors: Any) -> None:
    loose = FaceSection(match_threshold=1.2, liveness_challenges=3)
    done, _ = play(verifier(loose, chip_jpeg), actors["impostor"])
    assert done.result is not None and done.result.passed and done.result.liveness.passed


def test_a_still_photo_fails_liveness(chip_jpeg: bytes, actors: Any, fast_cfg: FaceSection) -> None:
    cfg = fast_cfg.model_copy(update={"attempts": 2})
    done, seen = play(verifier(cfg, chip_jpeg), actors["printed_photo"])
    r = done.result
    assert r is not None and r.failure == "liveness_failed" and not r.liveness.passed and r.attempts == 2
    assert r.liveness.cause == "not_done"  # said as it is: the movement was not seen in time
    assert r.match  # the photo does look like the chip: only liveness stops it
    assert any(p.phase == "challenge" for p in seen)


def aligned(image: np.ndarray, meta: dict[str, Any], onto: dict[str, Any]) -> Person:
    """Person B moved so that his face sits exactly where A's was (a swap tracking cannot see)."""
    dx = (onto["box"][0] + onto["box"][2] - meta["box"][0] - meta["box"][2]) / 2
    dy = (onto["box"][1] + onto["box"][3] - meta["box"][1] - meta["box"][3]) / 2
    moved = cv2.warpAffine(image, np.float32([[1, 0, dx], [0, 1, dy]]), (640, 480), borderMode=cv2.BORDER_REPLICATE)

    def shift(points: Any) -> Any:
        return [[x + dx, y + dy] for x, y in points]

    box = meta["box"]
    return Person(
        moved,
        {
            **meta,
            "box": [int(box[0] + dx), int(box[1] + dy), int(box[2] + dx), int(box[3] + dy)],
            "nose": [meta["nose"][0] + dx, meta["nose"][1] + dy],
            "left_eye": shift(meta["left_eye"]),
            "right_eye": shift(meta["right_eye"]),
        },
        follows=True,
    )


def test_someone_else_doing_the_challenge_is_caught_by_the_rematch(
    chip_jpeg: bytes, actors: Any, person_a: Any, person_b: Any, fast_cfg: FaceSection
) -> None:
    cfg = fast_cfg.model_copy(update={"attempts": 1})
    b = aligned(person_b[0], person_b[1], person_a[1])

    def photo_then_impostor(challenge: str | None, since: float, t: float) -> np.ndarray:
        # A's photo is held up for the capture; B steps in as soon as a challenge is asked.
        if challenge is None and since == 0.0:
            return actors["printed_photo"](challenge, since, t)
        return b.render(challenge, since, t)

    done, _ = play(verifier(cfg, chip_jpeg), photo_then_impostor)
    assert done.result is not None and done.result.failure == "face_mismatch"
    assert done.result.distance > cfg.match_threshold


def test_losing_the_face_during_a_challenge_fails_the_attempt(
    chip_jpeg: bytes, actors: Any, booth: np.ndarray, fast_cfg: FaceSection
) -> None:
    cfg = fast_cfg.model_copy(update={"attempts": 1, "challenge_timeout_s": 5.0})

    def leaves(challenge: str | None, since: float, t: float) -> np.ndarray:
        return booth if challenge is not None else actors["genuine"](challenge, since, t)

    done, seen = play(verifier(cfg, chip_jpeg), leaves)
    assert done.result is not None and done.result.failure == "liveness_failed"
    assert done.result.liveness.cause == "face_lost"
    challenge_frames = [p for p in seen if p.phase == "challenge"]
    # lost after tracking_loss_s (0.5 s at 10 fps), long before the 5 s challenge time
    assert len(challenge_frames) <= 7


def test_wipe_zeroes_frames_chip_photo_and_embeddings(chip_jpeg: bytes, actors: Any) -> None:
    v = verifier(FaceSection(), chip_jpeg)
    play(v, actors["genuine"])
    buffers = [v._frame, v._grey, v._chip_image, v._chip_embedding]
    chip = v._chip
    assert all(b is not None and np.any(b) for b in buffers) and any(chip)
    v.wipe()
    assert all(not np.any(b) for b in buffers)  # type: ignore[arg-type]
    assert not any(chip)
    assert v.result is None
    with pytest.raises(RuntimeError, match="reference"):
        v.feed(Frame(actors["genuine"](None, 0.0, 0.0), 0.0, 0))


def test_chip_photo_without_face(booth: np.ndarray) -> None:
    ok, jpeg = cv2.imencode(".jpg", cv2.resize(booth, (148, 178)))
    with pytest.raises(ChipPhotoNoFace):
        FaceVerifier(FaceSection()).reference(jpeg.tobytes())

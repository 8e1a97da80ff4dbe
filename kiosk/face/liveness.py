"""Active liveness: randomised challenges judged against the citizen's own baseline.

A blink is the eye aspect ratio falling to `blink_ratio` × the open-eye baseline (thresholds
differ between people and landmark models, so never a fixed number); a turn is the yaw moving
`turn_min_deg` away from the baseline in the asked direction. Directions are the citizen's: on
an unmirrored camera a turn to the citizen's left moves the nose toward the image's right
(positive yaw). A still picture can do neither, so it times out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from kiosk.config import FaceSection
from kiosk.face.analysis import FaceObservation

CHALLENGES = ("blink", "turn_left", "turn_right")
METHOD = "active-challenge"
REOPEN_RATIO = 0.85
"""After a blink the eyes count as open again at this fraction of the baseline."""


@dataclass(frozen=True)
class Baseline:
    ear: float
    yaw_deg: float


def sequence(count: int, rng: random.Random) -> list[str]:
    """`count` distinct challenges in a random order."""
    return rng.sample(CHALLENGES, min(count, len(CHALLENGES)))


def baseline(faces: list[FaceObservation]) -> Baseline:
    ears = sorted(f.ear for f in faces)
    yaws = sorted(f.yaw_deg for f in faces)
    return Baseline(ears[len(ears) // 2], yaws[len(yaws) // 2])


def done(challenge: str, base: Baseline, face: FaceObservation, cfg: FaceSection) -> bool:
    """Has the citizen performed `challenge` in this frame?"""
    if challenge == "blink":
        return face.ear <= base.ear * cfg.blink_ratio
    turned = face.yaw_deg - base.yaw_deg
    if challenge == "turn_left":
        return turned >= cfg.turn_min_deg
    if challenge == "turn_right":
        return turned <= -cfg.turn_min_deg
    raise ValueError(f"unknown challenge {challenge!r}")


def back_to_neutral(challenge: str, base: Baseline, face: FaceObservation, cfg: FaceSection) -> bool:
    """Is the face ready to be matched again after the challenge: eyes open again (against the
    baseline) after a blink, facing the camera (the capture limit, not the baseline: whoever is
    there now is matched) after a turn?"""
    if challenge == "blink":
        return face.ear >= base.ear * REOPEN_RATIO
    return abs(face.yaw_deg) <= cfg.max_yaw_deg

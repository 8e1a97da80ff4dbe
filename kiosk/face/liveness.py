"""Active liveness: randomised challenges judged against the citizen's own baseline.

Every attempt asks for both kinds of movement, a blink and a head turn (with three challenges,
both turns), in a random order and with a random turn direction: something that can only blink
(a printed photo with the eyes cut out, a looping video of a face) or only turn (a mask, a photo
tilted like a card) fails every attempt, not one in three.

What each challenge relies on (dlib's 5-point landmarks, `kiosk.face.pose` and `kiosk.face.eyes`):
- **blink**: the eye openness (the share of dark iris between each eye's corners) falls to
  `blink_ratio` × the citizen's open-eye baseline; it counts as reopened at `REOPEN_RATIO` × the
  baseline (a head turn of 30° moves the openness by less than 15 %, measured on the scenes). A baseline without visible irises (`MIN_OPEN`: eyes shut, dark glasses) cannot
  show a blink, so that challenge times out.
- **turn left / right**: the yaw, read from the parallax of the nose base against the eye
  corners, moves `turn_min_deg` away from the baseline in the asked direction. Directions are the
  citizen's: on an unmirrored camera a turn to the citizen's left moves the nose toward the
  image's right (positive yaw). A flat picture turned in front of the camera shows no parallax.

A still picture can do neither, so it times out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from kiosk.config import FaceSection
from kiosk.face.analysis import FaceObservation

CHALLENGES = ("blink", "turn_left", "turn_right")
TURNS = ("turn_left", "turn_right")
METHOD = "active-blink-turn-dlib5"
"""Recorded as the liveness method: blink and turn challenges on dlib's 5 points and eye patches
(the former method, `active-challenge`, used the 68-point model)."""
REOPEN_RATIO = 0.8
"""After a blink the eyes count as open again at this fraction of the baseline."""
MIN_OPEN = 0.08
"""Baseline openness below which no blink can be judged (no iris visible at capture)."""


@dataclass(frozen=True)
class Baseline:
    openness: float
    yaw_deg: float


def sequence(count: int, rng: random.Random) -> list[str]:
    """`count` (2 or 3) distinct challenges in a random order: a blink and at least one turn."""
    if count < 2:
        raise ValueError("liveness needs at least 2 challenges: a blink and a turn")
    turns = rng.sample(TURNS, len(TURNS))
    chosen = ["blink", *turns[: min(count, len(CHALLENGES)) - 1]]
    rng.shuffle(chosen)
    return chosen


def baseline(faces: list[FaceObservation]) -> Baseline:
    opens = sorted(f.eye_openness for f in faces)
    yaws = sorted(f.yaw_deg for f in faces)
    return Baseline(opens[len(opens) // 2], yaws[len(yaws) // 2])


def done(challenge: str, base: Baseline, face: FaceObservation, cfg: FaceSection) -> bool:
    """Has the citizen performed `challenge` in this frame?"""
    if challenge == "blink":
        return base.openness >= MIN_OPEN and face.eye_openness <= base.openness * cfg.blink_ratio
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
        return face.eye_openness >= base.openness * REOPEN_RATIO
    return abs(face.yaw_deg) <= cfg.max_yaw_deg

"""What the face step decides, as plain data (no models, no frames): the session journey and the
record read these; `kiosk.face.verifier` produces them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Failure = Literal["face_mismatch", "liveness_failed"]
LivenessCause = Literal["face_lost", "not_done"]
"""Why a liveness challenge failed: the face left the camera's view (or another face came) during
it, or the movement asked for was not seen in time. Said to the citizen as it is, never as a
suspicion; the record keeps only `liveness_failed`."""


@dataclass(frozen=True)
class LivenessResult:
    method: str
    passed: bool
    challenges: list[str] = field(default_factory=list)
    cause: LivenessCause | None = None
    """With a liveness failure: the last failed attempt's cause (not on the record)."""


@dataclass(frozen=True)
class FaceResult:
    method: str
    distance: float
    threshold: float
    match: bool
    attempts: int
    liveness: LivenessResult
    failure: Failure | None

    @property
    def passed(self) -> bool:
        return self.failure is None

"""What the face step decides, as plain data (no models, no frames): the session journey and the
record read these; `kiosk.face.verifier` produces them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Failure = Literal["face_mismatch", "liveness_failed"]


@dataclass(frozen=True)
class LivenessResult:
    method: str
    passed: bool
    challenges: list[str] = field(default_factory=list)


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

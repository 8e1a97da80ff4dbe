"""The face step (Qt-free): quality gate, active liveness, 1:1 match with the chip photo.

Public API: `FaceVerifier(cfg: FaceSection)` with `reference(chip_jpeg)`, `feed(frame) ->
FaceProgress`, `wipe()`; `FaceProgress(phase, hint, challenge, seconds_left, result, quality)`;
`FaceResult(method, distance, threshold, match, attempts, liveness, failure)` (`.passed`);
`LivenessResult(method, passed, challenges)`; `Hint(code, th, en)`; `run(verifier, camera, ...)`
drives a camera through the step. The ResNet embeddings run in a worker process
(`kiosk.face.embedder.Embedder`, shared through `models.load()`); `models.close()` stops it.

Errors: `FaceError` > `FaceModelsUnavailable` (> `FaceWorkerFailed`), `ChipPhotoInvalid`, `ChipPhotoNoFace`,
`ImageUnreadable` (see `kiosk.face.errors`).
"""

from kiosk.face.errors import (
    ChipPhotoInvalid,
    ChipPhotoNoFace,
    FaceError,
    FaceModelsUnavailable,
    FaceWorkerFailed,
    ImageUnreadable,
)
from kiosk.face.hints import HINTS, Hint
from kiosk.face.liveness import LivenessResult
from kiosk.face.runner import run
from kiosk.face.verifier import FaceProgress, FaceResult, FaceVerifier

__all__ = [
    "HINTS",
    "ChipPhotoInvalid",
    "ChipPhotoNoFace",
    "FaceError",
    "FaceModelsUnavailable",
    "FaceProgress",
    "FaceResult",
    "FaceVerifier",
    "FaceWorkerFailed",
    "Hint",
    "ImageUnreadable",
    "LivenessResult",
    "run",
]

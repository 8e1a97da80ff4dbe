"""The face step (Qt-free): quality gate, active liveness, 1:1 match with the chip photo.

Public API: `FaceVerifier(cfg: FaceSection)` with `reference(chip_jpeg)`, `feed(frame) ->
FaceProgress`, `wipe()`; `FaceProgress(phase, hint, challenge, seconds_left, result, quality)`;
`FaceResult(method, distance, threshold, match, attempts, liveness, failure)` (`.passed`);
`LivenessResult(method, passed, challenges)`; `Hint(code, th, en)`; `run(verifier, camera, ...)`
drives a camera through the step. The ResNet embeddings run in a worker process
(`kiosk.face.embedder.Embedder`, shared through `models.load()`); `models.close()` stops it.

Errors: `FaceError` > `FaceModelsUnavailable` (> `FaceWorkerFailed`), `ChipPhotoInvalid`, `ChipPhotoNoFace`,
`ImageUnreadable` (see `kiosk.face.errors`).

Importing the package is cheap: each name loads its module on first use (PEP 562), so the session
journey can read `kiosk.face.result` without loading NumPy or the models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "ChipPhotoInvalid": "errors", "ChipPhotoNoFace": "errors", "FaceError": "errors",
    "FaceModelsUnavailable": "errors", "FaceWorkerFailed": "errors", "ImageUnreadable": "errors",
    "HINTS": "hints", "Hint": "hints",
    "FaceResult": "result", "LivenessResult": "result",
    "run": "runner",
    "FaceProgress": "verifier", "FaceVerifier": "verifier",
}

__all__ = [
    "HINTS", "ChipPhotoInvalid", "ChipPhotoNoFace", "FaceError", "FaceModelsUnavailable", "FaceProgress",
    "FaceResult", "FaceVerifier", "FaceWorkerFailed", "Hint", "ImageUnreadable", "LivenessResult", "run",
]

if TYPE_CHECKING:
    from kiosk.face.errors import (
        ChipPhotoInvalid,
        ChipPhotoNoFace,
        FaceError,
        FaceModelsUnavailable,
        FaceWorkerFailed,
        ImageUnreadable,
    )
    from kiosk.face.hints import HINTS, Hint
    from kiosk.face.result import FaceResult, LivenessResult
    from kiosk.face.runner import run
    from kiosk.face.verifier import FaceProgress, FaceVerifier


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'kiosk.face' has no attribute {name!r}")
    return getattr(importlib.import_module(f"kiosk.face.{module}"), name)

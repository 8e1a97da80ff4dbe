"""Drive a camera through the face step: feed each new frame, pass prompts on to the camera."""

from __future__ import annotations

import time
from collections.abc import Callable

from drivers.camera import Camera
from kiosk.face.result import FaceResult
from kiosk.face.verifier import FaceProgress, FaceVerifier


def run(
    verifier: FaceVerifier,
    camera: Camera,
    *,
    timeout_s: float,
    on_progress: Callable[[FaceProgress], None] | None = None,
) -> FaceResult | None:
    """Feed frames until the step is done; None when `timeout_s` passes first.

    Camera faults propagate as `CameraFrozen`/`CameraUnavailable` (from `wait_frame`).
    """
    deadline = time.monotonic() + timeout_s
    seq = -1
    challenge: str | None = None
    while time.monotonic() < deadline:
        frame = camera.wait_frame(seq)
        seq = frame.seq
        progress = verifier.feed(frame)
        if progress.challenge != challenge:
            challenge = progress.challenge
            camera.perform(challenge)
        if on_progress is not None:
            on_progress(progress)
        if progress.phase == "done":
            return progress.result
    camera.perform(None)
    return None

"""The face step on the camera thread: an embedding worker lost twice during the step ends it as a
device fault (not a hung session, not a traceback)."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from types import SimpleNamespace

from drivers.camera import SimulatedCamera
from kiosk.config import FaceSection
from kiosk.face import models as face_models
from kiosk.face.embedder import Embedder
from kiosk.face.verifier import FaceVerifier
from kiosk.journey import events as ev
from kiosk.runtime import adapters as dev

CHIP = Path(__file__).resolve().parents[2] / "fixtures" / "faces" / "chip_a.jpg"


class BreaksAfterReference:
    """A real verifier whose embedding workers all hang once the chip photo is embedded."""

    def __init__(self, verifier: FaceVerifier, embedder: Embedder) -> None:
        self.verifier, self.embedder = verifier, embedder

    def reference(self, photo: bytearray) -> None:
        self.verifier.reference(photo)
        self.embedder.request_timeout_s = 1e-4

    def feed(self, frame: object) -> object:
        return self.verifier.feed(frame)  # type: ignore[arg-type]


def test_a_worker_lost_twice_during_the_face_step_is_a_device_fault() -> None:
    embedder = Embedder()
    verifier = FaceVerifier(FaceSection())
    verifier._models = dataclasses.replace(face_models.load(), encoder=embedder)
    posted: list[ev.Event] = []
    try:
        with SimulatedCamera("genuine", fps=30) as camera:
            dev.run_face(SimpleNamespace(camera=camera), BreaksAfterReference(verifier, embedder),  # type: ignore[arg-type]
                         bytearray(CHIP.read_bytes()), posted.append, threading.Event())
    finally:
        verifier.wipe()
        embedder.stop()
    assert isinstance(posted[-1], ev.FaceFailed) and posted[-1].reason == "device_fault"
    assert embedder.restarts == 1 and embedder.pid is None

"""Fixtures of the face tests: the shared models, the scenes of persons A and B, the chip photo of
A, and a deterministic actor that plays a citizen frame by frame with synthetic timestamps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from drivers.camera.frame import Frame
from drivers.camera.simulated import Person, empty_booth, load_scene
from kiosk.config import FaceSection
from kiosk.face import models as face_models
from kiosk.face.verifier import FaceProgress, FaceVerifier

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "faces"


@pytest.fixture(scope="session")
def models() -> Iterator[face_models.FaceModels]:
    yield face_models.load()
    face_models.close()  # the embedding worker process


@pytest.fixture(scope="session")
def chip_jpeg() -> bytes:
    return (FIXTURES / "chip_a.jpg").read_bytes()


@pytest.fixture(scope="session")
def person_a() -> tuple[np.ndarray, dict[str, Any]]:
    return load_scene("person_a.jpg")


@pytest.fixture(scope="session")
def person_b() -> tuple[np.ndarray, dict[str, Any]]:
    return load_scene("person_b.jpg")


@pytest.fixture(scope="session")
def booth() -> np.ndarray:
    return empty_booth(640, 480)


Actor = Callable[[str | None, float, float], np.ndarray]


@pytest.fixture(scope="session")
def actors(person_a: tuple[np.ndarray, dict[str, Any]], person_b: tuple[np.ndarray, dict[str, Any]]) -> dict[str, Actor]:
    a = Person(person_a[0], person_a[1], follows=True)
    b = Person(person_b[0], person_b[1], follows=True)
    photo = Person(person_a[0], person_a[1], follows=False)
    return {"genuine": a.render, "impostor": b.render, "printed_photo": photo.render}


def play(
    verifier: FaceVerifier,
    actor: Callable[[str | None, float, float], np.ndarray],
    *,
    fps: float = 10.0,
    max_s: float = 60.0,
) -> tuple[FaceProgress, list[FaceProgress]]:
    """Feed the verifier frames of `actor` (who sees the prompts) at `fps` of synthetic time."""
    seen: list[FaceProgress] = []
    challenge: str | None = None
    since = 0.0
    t = 0.0
    seq = 0
    while t < max_s:
        image = actor(challenge, since, t)
        progress = verifier.feed(Frame(image, t, seq))
        seen.append(progress)
        if progress.phase == "done":
            return progress, seen
        if progress.challenge != challenge:
            challenge, since = progress.challenge, t
        t += 1.0 / fps
        seq += 1
    raise AssertionError(f"face step not done after {max_s} s of frames")


@pytest.fixture
def fast_cfg() -> FaceSection:
    """Default settings with short challenge time so a failing attempt costs few frames."""
    return FaceSection(challenge_timeout_s=1.5)

"""Frames of the app-QR tests: the simulated camera's phone over a scene, with the sensor noise the
simulated camera adds (seeded: every run sees the same pixels)."""

from __future__ import annotations

import zlib
from collections.abc import Callable

import cv2
import numpy as np
import pytest

from drivers.camera.phone import PhoneLayer, PhoneShot
from drivers.camera.simulated import empty_booth, load_scene

Shoot = Callable[..., tuple[np.ndarray, PhoneLayer]]


def scene(name: str) -> np.ndarray:
    if name == "empty_booth":
        return empty_booth(640, 480)
    image, _ = load_scene(name)
    return image


def with_noise(image: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noisy: np.ndarray = cv2.add(image, rng.integers(0, 4, image.shape, dtype=np.uint8))
    return noisy


@pytest.fixture
def shoot() -> Shoot:
    """`shoot(text, scene="person_a.jpg", **PhoneShot options)` -> (frame, layer)."""

    def make(text: str, scene_name: str = "person_a.jpg", **options: object) -> tuple[np.ndarray, PhoneLayer]:
        layer = PhoneLayer(PhoneShot(text, **options), 640, 480)  # type: ignore[arg-type]
        seed = zlib.crc32(repr((text, scene_name, sorted(options.items()))).encode())
        return with_noise(layer.over(scene(scene_name)), seed), layer

    return make

"""Loading dlib: refused with a named cause on a CPU without AVX, and checked once, not per frame."""

from __future__ import annotations

import pytest

from kiosk import system
from kiosk.face import models
from kiosk.face.errors import FaceModelsUnavailable


def test_cpu_without_avx_is_refused_with_the_cause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "_dlib", None)
    monkeypatch.setattr(system, "cpu_has_avx", lambda: False)
    with pytest.raises(FaceModelsUnavailable, match="AVX"):
        models.dlib_module()


def test_cpu_is_checked_once_then_dlib_is_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "_dlib", None)
    reads: list[int] = []
    real = system.cpu_has_avx
    monkeypatch.setattr(system, "cpu_has_avx", lambda: reads.append(1) or real())
    first = models.dlib_module()
    for _ in range(30):  # a second of frames: landmarks() asks for dlib on each
        assert models.dlib_module() is first
    assert len(reads) == 1

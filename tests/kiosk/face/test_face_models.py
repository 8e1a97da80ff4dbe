"""Loading dlib: a build this CPU cannot run is refused with a named cause (never a dead kiosk),
and the check is made once, not per frame."""

from __future__ import annotations

import pytest

from kiosk import cpu, native
from kiosk.cpu import CpuFeatures
from kiosk.face import models
from kiosk.face.errors import FaceModelsUnavailable

NO_AVX = CpuFeatures(frozenset({"SSE3", "SSSE3", "SSE41", "SSE42", "POPCNT"}), "cpuid", "x86_64")


def _never_probe(*args: object, **kwargs: object) -> list[native.LibraryRun]:
    raise AssertionError("dlib must not even be tried in a child")


def test_dlib_bin_on_a_cpu_without_avx_is_refused_with_the_cause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "_dlib", None)
    monkeypatch.setattr(cpu, "features", lambda: NO_AVX)
    monkeypatch.setattr(native, "installed_dlib", lambda: native.DlibBuild("dlib-bin", "20.0.1.post1"))
    monkeypatch.setattr(native, "check", _never_probe)
    with pytest.raises(FaceModelsUnavailable) as e:
        models.dlib_module()
    assert "dlib-bin 20.0.1.post1 (the PyPI wheel, built with AVX) needs AVX, which this CPU lacks" in str(e.value)
    assert "Illegal instruction" in str(e.value) and "scripts/install.sh" in str(e.value)


def test_the_no_avx_build_on_a_cpu_without_avx_goes_on_to_the_child_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "_dlib", None)
    monkeypatch.setattr(cpu, "features", lambda: NO_AVX)
    monkeypatch.setattr(native, "installed_dlib", lambda: native.DlibBuild("dlib", "20.0.1"))
    asked: list[list[str]] = []
    dlib_lib = next(lib for lib in native.LIBRARIES if lib.name == "dlib")

    def crashed(names: list[str]) -> list[native.LibraryRun]:
        asked.append(names)
        return [native.LibraryRun(dlib_lib, "crashed", "dies with Illegal instruction (SIGILL): …", "dlib 20.0.1")]

    monkeypatch.setattr(native, "check", crashed)
    with pytest.raises(FaceModelsUnavailable, match=r"dlib \(dlib 20.0.1\): dies with Illegal instruction"):
        models.dlib_module()
    assert asked == [["dlib"]]


def test_the_embedding_worker_does_not_probe_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "_dlib", None)
    monkeypatch.setattr(native, "check", _never_probe)
    assert models._import_dlib(probe=False) is not None


def test_cpu_is_checked_once_then_dlib_is_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "_dlib", None)
    reads: list[int] = []
    real = native.installed_dlib
    monkeypatch.setattr(native, "installed_dlib", lambda: reads.append(1) or real())
    first = models.dlib_module()
    for _ in range(30):  # a second of frames: landmarks() asks for dlib on each
        assert models.dlib_module() is first
    assert len(reads) == 1

"""Doctor face checks: the installed dlib build judged against this CPU, and the models check
reporting a build the CPU cannot run instead of dying."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import cpu, native
from kiosk.cpu import CpuFeatures
from kiosk.doctor import DoctorContext, check_30_camera_face
from kiosk.face import models

NO_AVX = CpuFeatures(frozenset({"SSE3", "SSSE3", "SSE41", "SSE42", "POPCNT"}), "cpuid", "x86_64")
AVX2 = CpuFeatures(NO_AVX.flags | {"AVX", "AVX2", "FMA3", "F16C"}, "cpuid", "x86_64")


def _face_checks(until: str = "models") -> dict[str, tuple[str, str]]:
    """The face rows, up to `until` (the checks are a generator: the models are not loaded unless asked)."""
    rows = {}
    for c in check_30_camera_face.checks(DoctorContext(None, Path("config.toml"), ["missing"])):
        if c.area == "face":
            rows[c.name] = (c.status, c.detail)
        if c.name == until:
            break
    return rows


def _never_probe(*args: object, **kwargs: object) -> list[native.LibraryRun]:
    raise AssertionError("dlib-bin on a CPU without AVX must not even be tried")


@pytest.mark.parametrize(("build", "features"), [
    (native.DlibBuild("dlib-bin", "20.0.1.post1"), AVX2),
    (native.DlibBuild("dlib", "20.0.1"), NO_AVX),
    (native.DlibBuild("dlib", "20.0.1"), AVX2),
])
def test_a_build_that_suits_the_cpu_is_ok(monkeypatch: pytest.MonkeyPatch, build: native.DlibBuild, features: CpuFeatures) -> None:
    monkeypatch.setattr(native, "installed_dlib", lambda: build)
    monkeypatch.setattr(cpu, "features", lambda: features)
    status, detail = _face_checks("dlib-build")["dlib-build"]
    assert status == "ok" and detail == f"{build.describe()}; this CPU: {features.describe()}"


def test_dlib_bin_on_a_cpu_without_avx_fails_both_face_checks_with_the_remedy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native, "installed_dlib", lambda: native.DlibBuild("dlib-bin", "20.0.1.post1"))
    monkeypatch.setattr(cpu, "features", lambda: NO_AVX)
    monkeypatch.setattr(native, "check", _never_probe)
    monkeypatch.setattr(models, "_dlib", None)
    monkeypatch.setattr(models, "_models", None)
    got = _face_checks()
    status, detail = got["dlib-build"]
    assert status == "fail"
    assert detail.startswith("dlib-bin 20.0.1.post1 (the PyPI wheel, built with AVX) needs AVX, which this CPU lacks "
                             "(x86-64-v2 (SSE4.2, POPCNT), no AVX)")
    assert "scripts/install.sh" in detail
    status, detail = got["models"]
    assert status == "fail" and detail.startswith("FaceModelsUnavailable: the installed dlib-bin") and "Illegal instruction" in detail


def test_no_dlib_at_all_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native, "installed_dlib", lambda: native.DlibBuild("", ""))
    status, detail = _face_checks("dlib-build")["dlib-build"]
    assert status == "fail" and detail.startswith("dlib is not installed: run `sudo scripts/install.sh` again")

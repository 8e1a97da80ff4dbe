"""Doctor system checks: the CPU's level, and the first compiled library that would not run on it
is named (with what to do when it is dlib), the other failures after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import cpu, native
from kiosk.cpu import CpuFeatures
from kiosk.doctor import DoctorContext, check_10_system

NO_AVX = CpuFeatures(frozenset({"SSE3", "SSSE3", "SSE41", "SSE42", "POPCNT"}), "cpuid", "x86_64")
LIB = {lib.name: lib for lib in native.LIBRARIES}


def _check(name: str) -> tuple[str, str]:
    # The checks are a generator: stop at the one asked for (pcscd and the fonts are not needed).
    for c in check_10_system.checks(DoctorContext(None, Path("config.toml"), ["missing"])):
        if c.name == name:
            return c.status, c.detail
    raise AssertionError(f"no check {name}")


def _runs(*statuses: tuple[str, native.Status, str]) -> list[native.LibraryRun]:
    return [native.LibraryRun(LIB[name], status, detail, f"{name} 1.0") for name, status, detail in statuses]


def test_cpu_level_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cpu, "features", lambda: NO_AVX)
    assert _check("cpu") == ("ok", "x86-64-v2 (SSE4.2, POPCNT), no AVX (read with cpuid)")


def test_every_library_running_is_ok_and_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native, "check", lambda: _runs(("numpy", "ok", ""), ("dlib", "ok", "")))
    assert _check("native-libraries") == ("ok", "2 compiled libraries run on this CPU (numpy, dlib)")


def test_the_first_library_that_would_not_run_is_named_then_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native, "check", lambda: _runs(
        ("numpy", "ok", ""), ("OpenCV", "crashed", "dies with Illegal instruction (SIGILL): built for a newer CPU"),
        ("Pillow", "ok", ""), ("pyalsaaudio", "error", "ImportError: libasound.so.2"), ("dlib", "crashed", "dies with SIGILL")))
    status, detail = _check("native-libraries")
    assert status == "fail"
    assert detail.startswith("OpenCV (OpenCV 1.0): dies with Illegal instruction (SIGILL)")
    assert detail.endswith("(also failing: pyalsaaudio, dlib)")
    assert "install.sh" not in detail  # the installer's dlib choice cannot mend OpenCV


def test_dlib_that_would_not_run_says_to_run_the_installer_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native, "check", lambda: _runs(
        ("numpy", "ok", ""), ("dlib", "crashed", native._signal_text(4))))
    status, detail = _check("native-libraries")
    assert status == "fail"
    assert "dlib (dlib 1.0): dies with Illegal instruction (SIGILL)" in detail
    assert "scripts/install.sh" in detail and "without AVX" in detail


def test_a_check_that_cannot_run_is_a_failure_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> list[native.LibraryRun]:
        raise OSError("cannot start the check process")

    monkeypatch.setattr(native, "check", broken)
    assert _check("native-libraries") == ("fail", "OSError: cannot start the check process")

"""The doctor reports a broken check area as a failed row and still runs every other area."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from kiosk import config, doctor
from kiosk.doctor import Check, DoctorContext, check_70_host


@pytest.fixture(autouse=True)
def only_two_areas(monkeypatch: pytest.MonkeyPatch) -> None:
    """The system and host areas only: the device areas take seconds and are tested on their own."""
    real = pkgutil.iter_modules

    def iter_modules(path: list[str]) -> Iterator[pkgutil.ModuleInfo]:
        return (m for m in real(path) if m.name in {"check_10_system", "check_70_host"})

    monkeypatch.setattr(doctor.pkgutil, "iter_modules", iter_modules)


def ctx(tmp_path: Path) -> DoctorContext:
    return DoctorContext(config.from_dict({"storage": {"state_dir": str(tmp_path)}}), tmp_path / "c.toml", [])


def test_an_area_that_cannot_load_is_a_fail_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def import_module(name: str, package: str | None = None) -> ModuleType:
        if name == "kiosk.doctor.check_70_host":
            raise ImportError("libfoo.so.1: cannot open shared object file")
        return real(name, package)

    monkeypatch.setattr(doctor.importlib, "import_module", import_module)
    results = doctor.run_checks(ctx(tmp_path))
    broken = [c for c in results if c.area == "host"]
    assert broken == [Check("host", "checks", "fail",
                            "cannot load check_70_host: ImportError: libfoo.so.1: cannot open shared object file")]
    assert any(c.name == "config" for c in results)  # the other areas still ran
    assert doctor.exit_code(results) == 2


def test_rows_before_a_crash_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def checks(_: DoctorContext) -> Iterator[Check]:
        yield Check("system", "time-sync", "ok", "fine")
        raise RuntimeError("probe exploded\nwith a second line")

    monkeypatch.setattr(check_70_host, "checks", checks)
    results = [c for c in doctor.run_checks(ctx(tmp_path)) if c.area in {"system", "host"}]
    assert Check("system", "time-sync", "ok", "fine") in results
    assert Check("host", "checks", "fail", "RuntimeError: probe exploded") in results

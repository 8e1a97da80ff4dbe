"""The face pipeline on a CPU without AVX (a Celeron/Atom kiosk board), emulated by QEMU's user
mode (Debian's qemu-user, `-cpu Westmere`: SSE4.2 and POPCNT, no AVX; the J4105/J4125/N4020/N5105
boards have these and more, never AVX) running this venv's Python.

With the dlib built without AVX (scripts/build-dlib.sh), detection, the 5-point landmarks, the
embeddings (in the emulated worker process) and a genuine and an impostor decision on the fixture
portraits come out as on this machine's own CPU. With dlib-bin, `import dlib` dies with "Illegal
instruction", and the kiosk says so as its own error instead of dying. `./dev.sh setup` installs
qemu-user and unpacks both builds into .venv/dlib-builds/{avx,noavx}.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import native

ROOT = Path(__file__).resolve().parents[3]
DRIVER = Path(__file__).with_name("no_avx_driver.py")
BUILDS = Path(sys.prefix) / "dlib-builds"
CPU_MODEL = "Westmere"
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # minutes under emulation


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    qemu = shutil.which("qemu-x86_64")
    if qemu is None:
        pytest.fail("qemu-x86_64 missing: install Debian's qemu-user (./dev.sh setup does)", pytrace=False)
    for build in ("avx", "noavx"):
        if not list((BUILDS / build).glob("_dlib_pybind11*.so")):
            pytest.fail(f"{BUILDS / build} has no dlib: run ./dev.sh setup (it builds and unpacks both)", pytrace=False)
    # The interpreter the embedding worker is spawned with: the same Python under the same emulator.
    wrapper = tmp_path_factory.mktemp("emulated") / "python"
    wrapper.write_text(f'#!/bin/sh\nexec {qemu} -cpu {CPU_MODEL} {sys.executable} "$@"\n')
    wrapper.chmod(0o755)
    return [qemu, "-cpu", CPU_MODEL, sys.executable, str(wrapper)]


def _env(build: str | None) -> dict[str, str]:
    env = dict(os.environ)
    paths = ([str(BUILDS / build)] if build else []) + [str(ROOT)]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def _drive(command: list[str], build: str | None, *args: str) -> dict[str, object]:
    done = subprocess.run([*command, str(DRIVER), *args], capture_output=True, text=True, timeout=900,
                          env=_env(build), check=False, cwd=ROOT)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stderr[-3000:]}"
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def native_run() -> dict[str, object]:
    """The same pipeline on this machine's own CPU, with the venv's dlib: the reference figures."""
    return _drive([sys.executable], None)


def test_the_no_avx_build_runs_the_whole_pipeline_on_a_cpu_without_avx(
        emulator: list[str], native_run: dict[str, object]) -> None:
    qemu, wrapper = emulator[:-1], emulator[-1]
    run = _drive(qemu, "noavx", "--worker-python", wrapper)
    assert run["avx"] is False and run["cpu"] == "x86-64-v2 (SSE4.2, POPCNT), no AVX"  # really emulated
    assert "built from its source distribution" in str(run["dlib"])
    assert "refused" not in run, run.get("refused")
    assert Path(str(run["worker_exe"])).name.startswith("qemu-x86_64")  # the ResNet ran emulated too
    assert run["frame"] == {"faces": 1, "landmarks": [5, 2], "eye_distance_px": native_run["frame"]["eye_distance_px"]}  # type: ignore[index]
    genuine, impostor = run["genuine"], run["impostor"]
    assert genuine["match"] is True and impostor["match"] is False  # type: ignore[index]
    # the same decisions as the AVX build on this CPU, and nearly the same distances
    for name in ("genuine", "impostor"):
        assert abs(run[name]["distance"] - native_run[name]["distance"]) < 0.005, (run, native_run)  # type: ignore[index]


def test_dlib_bin_dies_there_and_the_kiosk_reports_it_instead(emulator: list[str]) -> None:
    qemu = emulator[:-1]
    raw = subprocess.run([*qemu, "-c", "import dlib"], capture_output=True, text=True, timeout=300,
                         env=_env("avx"), check=False)
    assert raw.returncode in (-4, 132), raw  # SIGILL: what a kiosk with dlib-bin on such a board would do
    run = _drive(qemu, "avx")
    assert "dlib-bin" in str(run["dlib"]) and run["avx"] is False
    refused = str(run["refused"])
    assert "needs AVX, which this CPU lacks" in refused and "scripts/install.sh" in refused


def test_the_native_library_check_names_dlib_bin_and_passes_the_no_avx_build(
        emulator: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    qemu = emulator[:-1]
    monkeypatch.setenv("PYTHONPATH", _env("avx")["PYTHONPATH"])
    with_bin = native.check(python=qemu)
    first = native.first_failure(with_bin)
    assert first is not None and first.library.name == "dlib" and first.status == "crashed", [r.describe() for r in with_bin]
    assert "Illegal instruction" in first.detail
    assert all(r.ok for r in with_bin if r is not first)  # numpy, OpenCV, Qt, Pillow, pyscard, … run there
    monkeypatch.setenv("PYTHONPATH", _env("noavx")["PYTHONPATH"])
    assert [r.describe() for r in native.check(["dlib"], python=qemu) if not r.ok] == []

"""scripts/install.sh and dlib: on a CPU without AVX (`--dlib noavx` here, which is what `auto`
picks on such a CPU) the kiosk's environment gets the no-AVX build in place of dlib-bin, taken
from an earlier build kept on the kiosk (no compiler needed), and everything it installed runs on
an emulated CPU without AVX; `--dlib avx` puts dlib-bin back (a disk from such a board moved to
a newer one).

A staged install with the locked packages (`--root`): a few minutes. The no-AVX wheel comes from
`./dev.sh setup` (.venv/dlib-builds/wheels, a release's wheels/ layout)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import native
from tests.test_install import ROOT, SYSTEM_PYTHON, install

WHEELS = Path(sys.prefix) / "dlib-builds" / "wheels"
CPU_MODEL = "Westmere"
VERSION = re.search(r"^dlib==(\S+)", (ROOT / "requirements/dlib-noavx.txt").read_text(), re.M)[1]  # type: ignore[index]
LIBRARIES = len(native.LIBRARIES)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]


def _run(root: Path, code: str, timeout: float = 120) -> str:
    done = subprocess.run([str(root / "opt/kiosk/bin/python"), "-c", code], capture_output=True, text=True,
                          timeout=timeout, check=False, cwd=root)  # the installed kiosk, not this checkout
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _dists(root: Path) -> set[str]:
    return set(_run(root, "import importlib.metadata as md; print(' '.join(d.metadata['Name'].lower().replace('_', '-') "
                          "for d in md.distributions()))").split())


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (WHEELS / "SHA256SUMS").exists():
        pytest.fail(f"{WHEELS} has no no-AVX dlib wheel: run ./dev.sh setup (it builds it)", pytrace=False)
    r = tmp_path_factory.mktemp("kiosk-noavx")
    shutil.copytree(WHEELS, r / "var/cache/kiosk/wheels")  # what an earlier install on this kiosk built
    first = install(r, "--dlib", "noavx", "--python", SYSTEM_PYTHON, timeout=1200)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "this kiosk gets dlib built without AVX (--dlib noavx)" in first.stderr
    assert "(dlib without AVX)" in first.stderr and "building dlib" not in first.stderr
    return r


def test_the_no_avx_build_replaces_dlib_bin(root: Path) -> None:
    dists = _dists(root)
    assert "dlib" in dists and "dlib-bin" not in dists
    assert {"numpy", "opencv-python-headless", "pyside6-essentials", "pyscard", "thai-id-kiosk"} <= dists
    assert "built from its source distribution" in _run(root, "from kiosk import native; print(native.installed_dlib().describe())")


def test_what_it_installed_runs_on_a_cpu_without_avx(root: Path) -> None:
    qemu = shutil.which("qemu-x86_64")
    if qemu is None:
        pytest.fail("qemu-x86_64 missing: install Debian's qemu-user (./dev.sh setup does)", pytrace=False)
    emulated = [qemu, "-cpu", CPU_MODEL, str(root / "opt/kiosk/bin/python")]
    seen = subprocess.run([*emulated, "-c", "from kiosk import cpu; print(cpu.features().describe())"],
                          capture_output=True, text=True, timeout=300, check=True, cwd=root)
    assert seen.stdout.strip() == "x86-64-v2 (SSE4.2, POPCNT), no AVX"  # really emulated
    # What install.sh runs last on a live kiosk (python -m kiosk.native), run by the installed
    # environment with each library's child on the emulated CPU.
    report = _run(root, f"from kiosk import native\nfor r in native.check(python={emulated!r}): print(r.status, r.describe())",
                  timeout=900)
    lines = report.splitlines()
    assert len(lines) == LIBRARIES and all(line.startswith("ok ") for line in lines), report
    assert f"dlib (dlib {VERSION}) runs on this CPU" in report


def test_avx_puts_dlib_bin_back(root: Path) -> None:
    again = install(root, "--dlib", "avx", "--python", SYSTEM_PYTHON, timeout=1200)
    assert again.returncode == 0, again.stderr[-3000:]
    dists = _dists(root)
    assert "dlib-bin" in dists and "dlib" not in dists

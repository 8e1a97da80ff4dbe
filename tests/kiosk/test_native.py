"""Every compiled library the kiosk loads is exercised in a child process; the one that kills its
child (SIGILL: built for a newer CPU) is named, and the libraries after it are still checked."""

from __future__ import annotations

import importlib.metadata as md
import re
import signal
import sys
from pathlib import Path

import pytest

from kiosk import native

ROOT = Path(__file__).resolve().parents[2]

FAKE_CHILD = """
import os, signal, sys
names = sys.argv[sys.argv.index("--child") + 1:]
for name in names:
    print(f"start\\t{name}", flush=True)
    if name == os.environ["CRASH_ON"]:
        os.kill(os.getpid(), signal.SIGILL)
    elif name == os.environ.get("FAIL_ON"):
        print(f"error\\t{name}\\tImportError: libasound.so.2: cannot open shared object file", flush=True)
    else:
        print(f"ok\\t{name}\\t", flush=True)
"""


def _locked_runtime() -> set[str]:
    names = set()
    for line in (ROOT / "requirements/runtime.txt").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", line)
        if m:
            names.add(m.group(1).lower().replace("_", "-"))
    return names


def test_every_locked_package_with_compiled_code_is_exercised() -> None:
    covered = {d for lib in native.LIBRARIES for d in lib.distributions}
    compiled = set()
    for dist in md.distributions():
        name = str(dist.metadata["Name"]).lower().replace("_", "-")
        if name in _locked_runtime() and any(".so" in f.name for f in dist.files or []):
            compiled.add(name)
    assert {"numpy", "opencv-python-headless", "pyside6-essentials", "pillow", "pyscard", "cryptography",
            "pyalsaaudio", "tpm2-pytss"} <= compiled  # the listing itself works
    assert compiled - covered == set(), "add these to kiosk.native.LIBRARIES"


def test_every_library_runs_on_this_machine() -> None:
    results = native.check()
    assert [r.library.name for r in results] == [lib.name for lib in native.LIBRARIES]
    assert native.first_failure(results) is None, [r.describe() for r in results if not r.ok]
    assert all(r.version for r in results)


def test_the_library_that_kills_its_child_is_named_and_the_rest_still_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "fake_child.py"
    fake.write_text(FAKE_CHILD)
    monkeypatch.setenv("CRASH_ON", "OpenCV")
    monkeypatch.setenv("FAIL_ON", "pyalsaaudio")
    results = native.check(["numpy", "OpenCV", "Pillow", "pyalsaaudio", "dlib"], python=(sys.executable, str(fake)))
    assert [(r.library.name, r.status) for r in results] == [
        ("numpy", "ok"), ("OpenCV", "crashed"), ("Pillow", "ok"), ("pyalsaaudio", "error"), ("dlib", "ok")]
    first = native.first_failure(results)
    assert first is results[1]
    assert "Illegal instruction (SIGILL)" in first.describe() and "opencv-python-headless" in first.describe()
    assert "libasound.so.2" in results[3].describe()


def test_a_child_that_hangs_is_named_after_the_timeout(tmp_path: Path) -> None:
    fake = tmp_path / "hang.py"
    fake.write_text("import sys, time\nprint('start\\tnumpy', flush=True)\ntime.sleep(60)\n")
    results = native.check(["numpy"], python=(sys.executable, str(fake)), timeout_s=1)
    assert [(r.library.name, r.status) for r in results] == [("numpy", "crashed")]
    assert "no answer within 1 s" in results[0].detail


def test_signals_are_named() -> None:
    assert "Illegal instruction" in native._signal_text(signal.SIGILL)
    assert native._signal_text(signal.SIGSEGV) == "dies with SIGSEGV"


def test_installed_dlib_is_the_one_import_would_load() -> None:
    build = native.installed_dlib()
    assert build.distribution in ("dlib-bin", "dlib")
    assert build.version.startswith(md.version(build.distribution))

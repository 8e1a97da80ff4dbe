"""The lock: uv.lock matches pyproject.toml, requirements/*.txt are exactly uv.lock exported, every
install path installs from them with hashes checked, and nothing a new machine lacks is left out.

Refresh after editing dependencies: `./dev.sh lock` (or `./dev.sh lock --upgrade`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFRESH = "the lock is stale: run ./dev.sh lock and commit uv.lock and requirements/"
EXPORTS = {
    "runtime.txt": ["--no-dev"],
    "build.txt": ["--only-group", "build"],
    "dev.txt": ["--group", "dev", "--group", "build"],
    "dlib-noavx.txt": ["--only-group", "dlib-noavx"],
}


def _uv() -> str:
    uv = shutil.which("uv") or str(Path(ROOT / ".venv/bin/uv"))
    assert Path(uv).exists(), "uv missing: it comes from the dev lock (./dev.sh setup)"
    return uv


def _pins(text: str) -> dict[str, str]:
    """name -> version of every requirement line (hash lines, comments and markers dropped)."""
    pins = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^ ;\\]+)", line)
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


def _body(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("#")]


def test_uv_lock_matches_pyproject(tmp_path: Path) -> None:
    r = subprocess.run([_uv(), "lock", "--check", "--offline"], cwd=ROOT, capture_output=True, text=True,
                       timeout=120, env={"UV_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, f"{REFRESH}\n{r.stderr}"


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_requirements_files_are_the_lock_exported(name: str, tmp_path: Path) -> None:
    r = subprocess.run([_uv(), "export", "--frozen", "--offline", "--no-emit-project", "--quiet", *EXPORTS[name]],
                       cwd=ROOT, capture_output=True, text=True, timeout=120,
                       env={"UV_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    committed = (ROOT / "requirements" / name).read_text()
    assert _body(committed) == _body(r.stdout), REFRESH


def test_every_pin_carries_hashes() -> None:
    for name in EXPORTS:
        text = (ROOT / "requirements" / name).read_text()
        pins = _pins(text)
        assert pins, name
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        for block in blocks:
            if re.match(r"^[A-Za-z0-9_.-]+==", block):
                assert "--hash=sha256:" in block, f"{name}: {block.splitlines()[0]} has no hash"


def test_runtime_is_the_dev_set_minus_tools() -> None:
    runtime = _pins((ROOT / "requirements/runtime.txt").read_text())
    dev = _pins((ROOT / "requirements/dev.txt").read_text())
    assert {k: dev[k] for k in runtime} == runtime  # one resolution: a test runs what a kiosk runs
    for tool in ("ruff", "mypy", "pytest", "uv", "schemathesis"):
        assert tool in dev and tool not in runtime, tool


def test_the_no_avx_dlib_is_the_same_release_as_dlib_bin() -> None:
    from packaging.version import Version

    noavx = _pins((ROOT / "requirements/dlib-noavx.txt").read_text())
    runtime = _pins((ROOT / "requirements/runtime.txt").read_text())
    assert set(noavx) == {"dlib"} and "dlib" not in runtime  # never installed beside dlib-bin by the lock
    assert Version(noavx["dlib"]).base_version == Version(runtime["dlib-bin"]).base_version, (noavx, runtime["dlib-bin"])
    text = (ROOT / "requirements/dlib-noavx.txt").read_text()
    assert "--hash=sha256:" in text  # the source distribution, hash-checked by scripts/build-dlib.sh
    assert re.search(r"pip wheel .*--require-hashes", (ROOT / "scripts/build-dlib.sh").read_text())


def test_the_build_backend_is_pinned_once() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    requires = project["build-system"]["requires"]
    assert all("==" in r for r in requires), requires
    # the build group is the backend plus what source-only dependencies build with (tpm2-pytss)
    group = project["dependency-groups"]["build"]
    assert group[:len(requires)] == requires
    build = _pins((ROOT / "requirements/build.txt").read_text())
    assert set(requires) <= {f"{k}=={v}" for k, v in build.items()}
    assert {"setuptools-scm", "pkgconfig", "pycparser", "cffi"} <= set(build)


def test_licence_is_an_spdx_string() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert isinstance(project["license"], str) and project["license"].startswith("LicenseRef-")


@pytest.mark.parametrize(("script", "files"), [
    ("dev.sh", ["requirements/build.txt", "requirements/dev.txt"]),
    ("scripts/install.sh", ["requirements/build.txt", "requirements/runtime.txt"]),
])
def test_install_paths_use_the_lock_with_hashes(script: str, files: list[str]) -> None:
    lines = [line for line in (ROOT / script).read_text().splitlines() if not line.lstrip().startswith("#")]
    hashed_pip = any(re.search(r"\bpip=\(.*pip install .*--require-hashes", line) for line in lines)

    def checked(line: str) -> bool:
        return "--require-hashes" in line or ('"${pip[@]}"' in line and hashed_pip)

    for f in files:
        uses = [line for line in lines if f.split("/")[1] in line and "-r " in line]
        assert uses and all(checked(line) for line in uses), (script, f)
    # nothing else from an index: only the lock, or the project itself without its dependencies
    for line in lines:
        if re.search(r"pip[^=]* install ", line) or ('"${pip[@]}"' in line and " install " in line):
            assert checked(line) or "--no-deps" in line, line
    # source packages build with the locked backend, not one fetched into an isolated build
    assert any("--no-build-isolation" in line and "-r " in line for line in lines), script
    assert "--upgrade pip" not in "\n".join(lines)


@pytest.mark.parametrize("script", ["dev.sh", "scripts/install.sh"])
def test_install_paths_bring_what_a_minimal_debian_lacks(script: str) -> None:
    lines = (ROOT / script).read_text().split("APT_PACKAGES=(\n", 1)[1].splitlines()
    body = " ".join(line.split("#")[0] for line in lines[:lines.index(")")])
    packages = set(re.findall(r"[a-z0-9][a-z0-9.+-]+", body))
    assert {"libfribidi0", "pcscd", "fonts-thai-tlwg", "libusb-1.0-0"} <= packages


def test_the_setup_stamp_covers_the_lock() -> None:
    text = (ROOT / "dev.sh").read_text()
    assert re.search(r"lock_stamp\(\) \{ cat requirements/dev.txt", text)
    assert "project_stamp() { cat pyproject.toml" in text

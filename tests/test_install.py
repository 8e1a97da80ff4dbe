"""scripts/install.sh into a temporary root: complete, idempotent, and uninstallable."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sysconfig
from pathlib import Path

import pytest

from tests.systemd import verify_root

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "install.sh"
SYSTEM_PYTHON = "/usr/bin/python3"
pytestmark = pytest.mark.slow


def install(root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), "--root", str(root), *args], capture_output=True,
                          text=True, timeout=timeout)


def ids(root: Path, db: str, name: str) -> list[int]:
    return [int(line.split(":")[2]) for line in (root / "etc" / db).read_text().splitlines()
            if line.split(":")[0] == name]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not Path(SYSTEM_PYTHON).exists():
        pytest.fail(f"{SYSTEM_PYTHON} missing (Debian python3, python3-venv)", pytrace=False)
    for tool in ("systemd-sysusers", "systemd-tmpfiles"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} missing (Debian package systemd)", pytrace=False)
    r = tmp_path_factory.mktemp("kiosk-root")
    first = install(r, "--no-deps", "--python", SYSTEM_PYTHON)
    assert first.returncode == 0, first.stderr
    assert "creating the virtual environment /opt/kiosk" in first.stderr
    return r


def test_installs_units_system_files_and_config(root: Path) -> None:
    for unit in ("kiosk.service", "kiosk-sync.service"):
        assert (root / "etc/systemd/system" / unit).read_bytes() == (ROOT / "systemd" / unit).read_bytes()
    assert (root / "etc/sysusers.d/kiosk.conf").read_bytes() == (ROOT / "systemd/kiosk.sysusers").read_bytes()
    assert (root / "etc/tmpfiles.d/kiosk.conf").read_bytes() == (ROOT / "systemd/kiosk.tmpfiles").read_bytes()
    rule = root / "etc/polkit-1/rules.d/50-kiosk-pcscd.rules"
    assert rule.read_bytes() == (ROOT / "systemd/50-kiosk-pcscd.rules").read_bytes()
    # enabled: the symlinks `systemctl enable` makes
    assert os.readlink(root / "etc/systemd/system/graphical.target.wants/kiosk.service") == \
        "/etc/systemd/system/kiosk.service"
    assert os.readlink(root / "etc/systemd/system/multi-user.target.wants/kiosk-sync.service") == \
        "/etc/systemd/system/kiosk-sync.service"

    config = root / "etc/kiosk/config.toml"
    assert config.read_bytes() == (ROOT / "config.example.toml").read_bytes()
    # no technician PIN reaches a production kiosk with its config: each kiosk gets its own
    from kiosk import config as config_mod
    from kiosk import technician_pin

    installed = config_mod.load(config)
    assert installed.kiosk.mode == "production" and installed.ui.technician_pin == ""
    assert technician_pin.config_problems(installed) == []
    assert not (root / "var/lib/kiosk/technician-pin").exists()  # staged: set on the kiosk itself
    st = config.stat()
    assert stat.S_IMODE(st.st_mode) == 0o640 and st.st_uid == 0 and st.st_gid == ids(root, "group", "kiosk")[0]


def test_creates_the_user_and_a_private_state_dir(root: Path) -> None:
    [uid] = ids(root, "passwd", "kiosk")
    entry = next(line for line in (root / "etc/passwd").read_text().splitlines() if line.startswith("kiosk:"))
    assert entry.endswith(":/var/lib/kiosk:/usr/sbin/nologin")
    assert "kiosk" in next(line for line in (root / "etc/group").read_text().splitlines()
                           if line.startswith("video:")).split(":")[3].split(",")
    st = (root / "var/lib/kiosk").stat()
    assert stat.S_IMODE(st.st_mode) == 0o700 and st.st_uid == uid


def test_installs_the_application_in_its_own_venv(root: Path) -> None:
    venv_python = root / "opt/kiosk/bin/python"
    assert (root / "opt/kiosk/pyvenv.cfg").exists()
    assert os.access(root / "opt/kiosk/bin/kiosk", os.X_OK)
    assert os.readlink(root / "usr/local/bin/kiosk") == "/opt/kiosk/bin/kiosk"
    # Installed with --no-deps here: borrow the dev environment's dependencies to run it, while
    # the kiosk package itself must come from /opt/kiosk.
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    where = subprocess.run([str(venv_python), "-c", "import kiosk; print(kiosk.__file__)"],
                           capture_output=True, text=True, env=env, timeout=60, cwd=root)
    assert where.stdout.strip().startswith(str(root / "opt/kiosk/lib")), where.stderr
    version = subprocess.run([str(root / "opt/kiosk/bin/kiosk"), "version"], capture_output=True, text=True,
                             env=env, timeout=120, cwd=root)
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("kiosk 0.")
    # the checkout stays clean: the wheel is built from a copy
    assert not (ROOT / "build").exists()


def test_installed_units_pass_systemd_analyze_verify(root: Path) -> None:
    missing = verify_root.prerequisites()
    if missing:
        pytest.fail("; ".join(missing), pytrace=False)
    verify_root.prepare(root, with_units=False, with_app=False)
    result = verify_root.verify(root)
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


def test_second_install_is_idempotent_and_keeps_local_changes(root: Path) -> None:
    config = root / "etc/kiosk/config.toml"
    config.write_text(config.read_text() + "\n# edited on site\n")
    (root / "var/lib/kiosk/outbox.sqlite").write_bytes(b"records")
    passwd = (root / "etc/passwd").read_text()
    unit_mtime = (root / "etc/systemd/system/kiosk.service").stat().st_mtime_ns

    again = install(root, "--no-deps", "--python", SYSTEM_PYTHON)
    assert again.returncode == 0, again.stderr
    assert "creating the virtual environment" not in again.stderr
    assert "installed /etc/" not in again.stderr  # nothing changed, nothing rewritten
    assert "kept the existing /etc/kiosk/config.toml" in again.stderr
    assert "technician PIN not set here: on the kiosk run 'sudo -u kiosk kiosk technician set-pin" in again.stderr
    assert config.read_text().endswith("# edited on site\n")
    assert (root / "var/lib/kiosk/outbox.sqlite").read_bytes() == b"records"
    assert (root / "etc/passwd").read_text() == passwd
    assert (root / "etc/systemd/system/kiosk.service").stat().st_mtime_ns == unit_mtime
    assert os.access(root / "opt/kiosk/bin/kiosk", os.X_OK)


def test_uninstall_keeps_state_and_config_then_purge_removes_them(root: Path) -> None:
    gone = install(root, "--uninstall")
    assert gone.returncode == 0, gone.stderr
    for path in ("opt/kiosk", "usr/local/bin/kiosk", "etc/systemd/system/kiosk.service", "etc/systemd/system/kiosk-sync.service",
                 "etc/systemd/system/graphical.target.wants/kiosk.service",
                 "etc/systemd/system/multi-user.target.wants/kiosk-sync.service",
                 "etc/sysusers.d/kiosk.conf", "etc/tmpfiles.d/kiosk.conf",
                 "etc/polkit-1/rules.d/50-kiosk-pcscd.rules"):
        assert not (root / path).exists() and not (root / path).is_symlink(), path
    assert (root / "var/lib/kiosk/outbox.sqlite").exists()
    assert (root / "etc/kiosk/config.toml").exists()
    # again: nothing left to remove is not an error
    assert install(root, "--uninstall").returncode == 0

    purged = install(root, "--uninstall", "--purge")
    assert purged.returncode == 0, purged.stderr
    assert not (root / "var/lib/kiosk").exists() and not (root / "etc/kiosk").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--purge"], "--purge only goes with --uninstall"),
    (["--frobnicate"], "unknown option: --frobnicate"),
    (["--python", "/nonexistent/python3"], "no Python interpreter '/nonexistent/python3'"),
    (["--dlib", "sse2"], "--dlib takes auto, avx or noavx, not 'sse2'"),
])
def test_bad_invocations_name_the_problem(tmp_path: Path, args: list[str], message: str) -> None:
    result = install(tmp_path / "r", *args)
    assert result.returncode != 0
    assert message in result.stderr

"""A filesystem root in which `systemd-analyze verify --root=DIR` can check the kiosk's units.

verify loads the units' dependencies (sysinit.target, ...) and checks that every ExecStart=
program exists, all resolved inside the root: so the root gets a copy of the system's unit
folder, of cage, and (unless the application is installed there) of the dev venv's `kiosk`
entry point at /opt/kiosk/bin/kiosk.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNITS = ("kiosk.service", "kiosk-sync.service")
SYSTEM_UNITS = Path("/usr/lib/systemd/system")


def prerequisites() -> list[str]:
    missing = []
    if shutil.which("systemd-analyze") is None:
        missing.append("systemd-analyze (Debian package systemd; ./dev.sh setup installs it)")
    if shutil.which("cage") is None:
        missing.append("cage (Debian package cage; ./dev.sh setup installs it)")
    return missing


def prepare(root: Path, *, with_units: bool = True, with_app: bool = True) -> Path:
    units = root / "usr/lib/systemd/system"
    if not units.exists():
        units.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(SYSTEM_UNITS, units, symlinks=True)
    (root / "usr/bin").mkdir(parents=True, exist_ok=True)
    cage = shutil.which("cage")
    assert cage is not None
    if not (root / "usr/bin/cage").exists():
        shutil.copy2(cage, root / "usr/bin/cage")
    app = root / "opt/kiosk/bin/kiosk"
    if with_app and not app.exists():
        app.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / ".venv/bin/kiosk", app)
    if with_units:
        target = root / "etc/systemd/system"
        target.mkdir(parents=True, exist_ok=True)
        for unit in UNITS:
            shutil.copy2(ROOT / "systemd" / unit, target / unit)
    return root


def verify(root: Path, *units: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["systemd-analyze", "verify", f"--root={root}", "--man=no", *(units or UNITS)],
        capture_output=True, text=True, timeout=60,
    )

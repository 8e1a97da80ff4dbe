"""The layer contracts (import-linter, `[tool.importlinter]` in pyproject.toml) hold, and each one
breaks when its rule is broken: a violation is planted in a copy of the tree and must be named."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    assert LINT.exists(), "lint-imports missing: it comes from the dev lock (./dev.sh setup)"
    return subprocess.run([str(LINT), "--no-logo", "--no-cache", str(root / "pyproject.toml")], cwd=root,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                          timeout=300)


def test_the_contracts_hold() -> None:
    r = _lint(ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("kiosk/journey/moves.py", "import threading", "The journey is pure"),
    ("kiosk/journey/moves.py", "from kiosk.runtime import workers", "The journey is pure"),
    ("kiosk/journey/steps/card.py", "from drivers.card import pcsc", "The journey is pure"),
    ("kiosk/journey/states.py", "from kiosk.devkit import stack", "The runtime and the development kit"),
    ("kiosk/journey/steps/phone.py", "from kiosk.journey.steps import result", "Each step of the journey"),
    ("kiosk/journey/presenter.py", "from kiosk.journey.steps import phone", "Each step of the journey"),
    ("kiosk/journey/steps/result.py", "from kiosk.journey import machine", "Only the machine knows"),
    ("kiosk/receipt.py", "from PySide6 import QtGui", "The core never imports Qt"),
    ("kiosk/runtime/workers.py", "from ui import theme", "The core never imports Qt"),
    ("drivers/card/apdu.py", "from kiosk import config", "Drivers and sync never import"),
    ("sync/outbox.py", "from kiosk import storage", "Drivers and sync never import"),
])
def test_each_contract_names_a_planted_violation(tmp_path: Path, module: str, line: str, contract: str) -> None:
    copy = tmp_path / "tree"
    copy.mkdir()
    for name in ("kiosk", "drivers", "sync", "ui"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    target = copy / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # planted\n", encoding="utf-8")
    r = _lint(copy)
    assert r.returncode != 0, r.stdout
    broken = [line for line in r.stdout.splitlines() if " BROKEN" in line]
    assert any(line.startswith(contract) for line in broken), r.stdout

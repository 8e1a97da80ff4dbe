"""`kiosk doctor`: a table, and an exit code that follows the worst result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.doctor import Check, exit_code, render_table

ROOT = Path(__file__).resolve().parents[2]


def doctor(config: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "doctor", "--config", str(config), *extra],
        capture_output=True, text=True, timeout=180, cwd=ROOT, env={**os.environ},
    )


def _row(out: str, check: str) -> list[str]:
    for line in out.splitlines():
        cols = line.split()
        if len(cols) >= 3 and cols[1] == check:
            return cols
    raise AssertionError(f"no {check} row in:\n{out}")


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(f'[storage]\nstate_dir = "{tmp_path / "state"}"\n')
    return p


@pytest.mark.daemon
def test_pcscd_unreachable_fails_with_a_message(no_pcscd: None, config_file: Path) -> None:
    r = doctor(config_file)
    assert r.returncode == 2, r.stdout + r.stderr
    row = _row(r.stdout, "pcscd")
    assert row[2] == "FAIL"
    assert "pcscd is not reachable" in r.stdout
    assert _row(r.stdout, "config")[2] == "OK"
    assert _row(r.stdout, "python")[2] == "OK"
    assert "Traceback" not in r.stdout + r.stderr


@pytest.mark.daemon
def test_pcscd_reachable_is_ok(pcscd, config_file: Path) -> None:
    r = doctor(config_file, "--json")
    data = json.loads(r.stdout)
    by_name = {c["name"]: c for c in data["checks"]}
    assert by_name["pcscd"]["status"] == "ok"
    assert "reader" in by_name["pcscd"]["detail"]
    assert by_name["thai-font"]["status"] == "ok"


def test_invalid_config_is_a_failed_check(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[kiosk]\nnope = 1\n")
    r = doctor(bad)
    assert r.returncode == 2
    assert "kiosk.nope: unknown key" in _line_with(r.stdout, "config")


def _line_with(out: str, word: str) -> str:
    return next(line for line in out.splitlines() if f" {word} " in line)


def test_exit_code_is_the_worst_result() -> None:
    ok = Check("a", "x", "ok", "")
    warn = Check("a", "y", "warn", "")
    fail = Check("a", "z", "fail", "")
    assert exit_code([ok]) == 0
    assert exit_code([ok, Check("a", "s", "skip", "")]) == 0
    assert exit_code([ok, warn]) == 1
    assert exit_code([warn, fail, ok]) == 2
    table = render_table([ok, fail])
    assert table.splitlines()[0].split() == ["AREA", "CHECK", "RESULT", "DETAIL"]
    assert "FAIL" in table.splitlines()[2]

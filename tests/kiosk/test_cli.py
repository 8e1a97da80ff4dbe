"""The command line: help, version, config check, errors without tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import __version__
from kiosk.cli import main

ROOT = Path(__file__).resolve().parents[2]


def kiosk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})}, cwd=ROOT,
    )


def test_help_lists_the_commands() -> None:
    r = kiosk("--help")
    assert r.returncode == 0
    for cmd in ("version", "config", "doctor"):
        assert cmd in r.stdout


def test_version(capsys) -> None:
    assert main(["version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_config_check_example_exits_zero() -> None:
    r = kiosk("config", "check", str(ROOT / "config.example.toml"))
    assert r.returncode == 0, r.stderr
    assert "valid" in r.stdout


def test_config_check_names_unknown_and_mistyped_keys(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[sync]\nserver_url = "http://x"\nretries = 3\n[face]\nattempts = "three"\n')
    r = kiosk("config", "check", str(bad))
    assert r.returncode != 0
    lines = r.stderr.splitlines()
    assert "sync.retries: unknown key" in lines
    assert any(line.startswith("face.attempts: ") for line in lines)
    assert "Traceback" not in r.stderr


def test_config_path_from_environment(tmp_path: Path) -> None:
    bad = tmp_path / "env.toml"
    bad.write_text("[kiosk]\nnope = 1\n")
    r = kiosk("config", "check", env={"KIOSK_CONFIG": str(bad)})
    assert r.returncode != 0 and "kiosk.nope: unknown key" in r.stderr


def test_unexpected_errors_become_one_line(tmp_path: Path) -> None:
    unreadable = tmp_path / "dir.toml"
    unreadable.mkdir()
    r = kiosk("config", "check", str(unreadable))
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    assert str(unreadable) in r.stderr


def test_unknown_command_is_a_usage_error() -> None:
    r = kiosk("frobnicate")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_a_failure_prints_exactly_one_line(tmp_path: Path) -> None:
    # the printer commands import python-escpos, which installs a root log handler at import
    r = kiosk("config", "check", str(tmp_path / "absent.toml"))
    assert r.returncode != 0
    assert len(r.stderr.strip().splitlines()) == 2  # the problem, and the count line
    r = kiosk("doctor", "--config", str(tmp_path / "absent-dir" / "x.toml"), "--json")
    assert "Traceback" not in r.stderr and r.stderr.strip() == ""


def test_help_leaves_the_heavy_stacks_to_the_commands_that_need_them() -> None:
    # cv2 + numpy, the face stack, uvicorn/starlette, Qt, the outbox: ~1 s of imports that
    # `kiosk --help` (and every other command) would otherwise pay at start-up
    heavy = ("cv2", "dlib", "kiosk.face", "PySide6", "uvicorn", "sync.server", "kiosk.storage", "sync.client")
    probe = ("import sys; from kiosk.cli import build_parser; build_parser(); "
             f"print(' '.join(m for m in {heavy!r} if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == []


def test_a_command_named_like_its_module_imports_that_module_alone() -> None:
    # `kiosk card read` must not pay for the ESC/POS stack (~0.3 s), the printer or the keys
    probe = ("import sys; from kiosk.cli import build_parser; "
             "p = build_parser(['--log-level', 'INFO', 'card', 'read', '--json']); "
             "a = p.parse_args(['--log-level', 'INFO', 'card', 'read', '--json']); "
             "print(a.func.__module__, a.json); "
             "print(' '.join(m for m in ('escpos', 'drivers.printer', 'sync.keys', 'kiosk.doctor', 'PIL') "
             "if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    handler, loaded = (r.stdout.splitlines() + [""])[:2]
    assert handler == "kiosk.commands.card True" and loaded == ""


@pytest.mark.parametrize("argv", [["version"], ["--help"], ["nonsense"], []])
def test_other_command_lines_still_see_every_command(argv: list[str]) -> None:
    from kiosk.cli import build_parser

    commands = build_parser(argv)._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"card", "printer", "doctor", "version", "simulate"} <= set(commands)

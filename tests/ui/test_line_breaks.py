"""Line breaks a Thai reader expects: at word boundaries (libthai), never inside a number written
in groups, never before the repetition mark ๆ; and the doctor names libthai when it is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import system
from kiosk.messages import MESSAGES
from ui.theme import Metrics
from ui.widgets.chrome import wrapped_label
from ui.widgets.text import NBSP, keep_together

pytestmark = pytest.mark.display

VALUES = {"code": 47, "phone": "08x-xxx-5678", "seconds": 15, "attempts": 2, "version": "2026-01",
          "step": 3, "steps": 6, "name": "สมชาย", "reference": "K7Q-4MX", "face_seconds": 84}


def test_groups_and_repetition_marks_are_kept_together() -> None:
    assert keep_together("เช่น 081 234 5678") == f"เช่น 081{NBSP}234{NBSP}5678"
    assert keep_together("หันหน้าช้า ๆ") == f"หันหน้าช้า{NBSP}ๆ"
    assert keep_together("ขั้นตอนที่ 3 จาก 6") == "ขั้นตอนที่ 3 จาก 6"  # words around a number still break


@pytest.mark.parametrize("width", [320, 480, 720])
def test_no_line_starts_with_a_repetition_mark_or_splits_a_number(qapp, width: int) -> None:
    label = wrapped_label(Metrics(96, True), 40)
    label.setFixedWidth(width)
    bad: list[str] = []
    for code, message in MESSAGES.items():
        for language in ("th", "en"):
            label.setText(message.text(language).format(**VALUES))
            lines = label.lines()
            for before, after in zip(lines, lines[1:], strict=False):
                if after.lstrip().startswith("ๆ") or (before.rstrip()[-1:].isdigit() and after.lstrip()[:1].isdigit()):
                    bad.append(f"{code}/{language}: {before!r} | {after!r}")
    assert not bad, bad


def test_thai_is_broken_at_word_boundaries(qapp) -> None:
    """With libthai, a long Thai sentence wraps between words: every line ends a dictionary word."""
    assert system.thai_line_breaking_problem() is None
    label = wrapped_label(Metrics(96, True), 40)
    label.setFixedWidth(300)
    label.setText("กรุณาเช็ดชิปบัตรให้สะอาดแล้วลองใหม่อีกครั้ง")
    lines = [line.strip() for line in label.lines()]
    words = {"กรุณา", "เช็ด", "ชิป", "บัตร", "ให้", "สะอาด", "แล้ว", "ลอง", "ใหม่", "อีก", "ครั้ง"}
    for line in lines:
        assert any(line.endswith(w) for w in words), lines


def test_without_libthai_the_doctor_says_which_package(tmp_path: Path) -> None:
    hidden = tmp_path / "no-libthai"
    hidden.mkdir()
    (hidden / system.LIBTHAI_SONAME).write_bytes(b"")
    code = ("from kiosk.cli import main\n"
            "if __name__ == '__main__':\n    main(['doctor', '--json'])\n")
    script = tmp_path / "probe.py"
    script.write_text(code)
    env = {**os.environ, "LD_LIBRARY_PATH": str(hidden), "KIOSK_CONFIG": str(tmp_path / "absent.toml")}
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=180, env=env)
    check = next(c for c in json.loads(r.stdout)["checks"] if c["name"] == "thai-line-breaking")
    assert check["status"] == "fail" and "install the Debian package libthai0" in check["detail"]

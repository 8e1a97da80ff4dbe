"""`kiosk card ...` on the simulated back end (the pcsc path is covered in tests/drivers/card)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk import config as config_mod
from kiosk.cli import main
from kiosk.doctor import DoctorContext, check_20_card


def use_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, profile: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[devices.card]\nbackend = "simulated"\nsimulated_profile = "{profile}"\n')
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    return path


def test_read_json_of_an_expired_card(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    use_config(tmp_path, monkeypatch, "expired")
    assert main(["card", "read", "--json", "--reveal"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["expired"] is True and doc["lifelong"] is False and doc["expiry_date"] == "2022-01-09"
    assert doc["date_of_birth"] == "1982-11" and doc["gender"] == "female"
    assert doc["name_th"] == {"prefix": "นางสาว", "first": "สุดา", "middle": "", "last": "มั่นคง"}


def test_masked_text_output_hides_personal_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    use_config(tmp_path, monkeypatch, "lifelong-bangkok")
    assert main(["card", "read"]) == 0
    out = capsys.readouterr().out
    assert "1-xxxx-xxxxx-xx-0" in out and "lifelong" in out
    for secret in ("1209900345670", "ประเสริฐ", "Prasert", "1234/567", "10330100012345"):
        assert secret not in out


def test_unknown_profile_is_one_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    use_config(tmp_path, monkeypatch, "no-such-card")
    assert main(["card", "read"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1 and "no card profile named 'no-such-card'" in lines[0]


def test_readers_lists_the_simulated_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    use_config(tmp_path, monkeypatch, "normal")
    assert main(["card", "readers"]) == 0
    out = capsys.readouterr().out
    assert "SIMULATION" in out and "3B 79 96" in out


def test_doctor_marks_a_simulated_reader_and_reads_its_card(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = use_config(tmp_path, monkeypatch, "normal")
    checks = {c.name: c for c in check_20_card.checks(DoctorContext(config_mod.load(path), path, []))}
    assert checks["readers"].status == "warn" and "SIMULATION" in checks["readers"].detail
    assert checks["test-read"].status == "ok" and "49 APDUs" in checks["test-read"].detail


def test_doctor_test_read_fails_on_a_bad_card(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = use_config(tmp_path, monkeypatch, "bad-check-digit")
    checks = {c.name: c for c in check_20_card.checks(DoctorContext(config_mod.load(path), path, []))}
    assert checks["test-read"].status == "fail" and "field cid" in checks["test-read"].detail
    assert "1101700123457" not in checks["test-read"].detail

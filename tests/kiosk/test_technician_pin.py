"""The technician PIN: no universal default reaches a production kiosk, only a salted slow hash is
kept (0600), `kiosk config check` and `kiosk doctor` refuse a plain-text or documented PIN in
production, development keeps the documented one, and `kiosk technician set-pin` sets the kiosk's own."""

from __future__ import annotations

import io
import re
import stat
from pathlib import Path

import pytest

from kiosk import cli, technician_pin
from kiosk.config import Config, example_toml, with_overrides
from kiosk.doctor import DoctorContext
from kiosk.doctor.check_80_technician import checks
from kiosk.technician_pin import DEV_PIN, PinError, hash_pin, setting, verify, weakness
from sync.audit import AuditLog

ROOT = Path(__file__).resolve().parents[2]
PIN = "73915048"


def cfg_for(state: Path, mode: str = "production", pin: str = "") -> Config:
    return with_overrides(Config(), kiosk={"mode": mode}, ui={"technician_pin": pin},
                          storage={"state_dir": str(state)})


def write_config(path: Path, state: Path, extra: str = "") -> Path:
    path.write_text(f'[storage]\nstate_dir = "{state}"\n{extra}')
    return path


def test_the_hash_is_salted_slow_scrypt_and_checks_only_the_right_pin() -> None:
    a, b = hash_pin(PIN), hash_pin(PIN)
    assert a != b  # a fresh salt each time
    assert re.fullmatch(r"\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}", a)
    assert PIN not in a
    assert verify(PIN, a) and verify(PIN, b)
    for wrong in ("73915049", "7391504", "", "๗๓๙๑๕๐๔๘", "73915048 "):
        assert not verify(wrong, a), wrong
    with pytest.raises(PinError):
        verify(PIN, "2580")  # a plain PIN where a hash belongs is not taken as one


def test_weak_pins_are_refused_without_repeating_them() -> None:
    assert weakness("12345") and weakness("1234567890123") and weakness("12a456")
    for pin in ("111111", "123456", "987654", "890123"):
        assert weakness(pin) is not None, pin
    assert "documented" in (weakness(DEV_PIN) or "")
    assert weakness("739150") is None
    for _ in range(20):
        pin = technician_pin.generate()
        assert len(pin) == 8 and pin.isdigit() and weakness(pin) is None
    assert all(p not in (weakness(p) or "") for p in ("111111", "123456"))


def test_no_default_pin_reaches_a_production_config(tmp_path: Path) -> None:
    assert Config().kiosk.mode == "production" and Config().ui.technician_pin == ""
    example = (ROOT / "config.example.toml").read_text()
    assert example == example_toml()
    assert 'technician_pin = ""' in example and DEV_PIN not in example.split("[ui]")[1].split("[")[0].split(
        "technician_pin")[1].splitlines()[0]
    # the example as installed (production by default) opens the technician screen with nothing
    cfg = cfg_for(tmp_path)
    assert setting(cfg).kind == "none" and not setting(cfg).matches(DEV_PIN) and not setting(cfg).matches("")
    # a plain-text PIN in a production config is ignored, and named by config check
    plain = cfg_for(tmp_path, pin=DEV_PIN)
    assert setting(plain).kind == "none" and not setting(plain).matches(DEV_PIN)
    assert "documented development PIN" in technician_pin.config_problems(plain)[0]


def test_development_keeps_the_documented_pin_and_the_hash_wins_everywhere(tmp_path: Path) -> None:
    dev = cfg_for(tmp_path, mode="development")
    assert setting(dev).kind == "development" and setting(dev).matches(DEV_PIN)
    assert setting(cfg_for(tmp_path, "development", "4444")).matches("4444")
    assert technician_pin.config_problems(cfg_for(tmp_path, "development", "4444")) == []
    technician_pin.store(tmp_path, PIN)
    for cfg in (dev, cfg_for(tmp_path), cfg_for(tmp_path, pin=DEV_PIN)):
        s = setting(cfg)
        assert s.kind == "hash" and s.matches(PIN) and not s.matches(DEV_PIN)
    f = tmp_path / "technician-pin"
    assert stat.S_IMODE(f.stat().st_mode) == 0o600 and PIN not in f.read_text()
    with pytest.raises(PinError, match="documented"):
        technician_pin.store(tmp_path, DEV_PIN)
    f.write_text("2580\n")  # someone typed a PIN into the file
    with pytest.raises(PinError, match="does not hold a PIN hash"):
        setting(dev)


def test_config_check_fails_in_production_on_a_plain_text_pin(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    bad = write_config(tmp_path / "bad.toml", tmp_path, f'[ui]\ntechnician_pin = "{DEV_PIN}"\n')
    assert cli.main(["config", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "ui.technician_pin: a plain-text PIN is not allowed in production" in err and "set-pin" in err
    dev = write_config(tmp_path / "dev.toml", tmp_path, f'[kiosk]\nmode = "development"\n[ui]\ntechnician_pin = "{DEV_PIN}"\n')
    assert cli.main(["config", "check", str(dev)]) == 0
    assert cli.main(["config", "check", str(ROOT / "config.example.toml")]) == 0


def doctor_rows(cfg: Config) -> dict[str, tuple[str, str]]:
    ctx = DoctorContext(config=cfg, config_path=Path("config.toml"), config_problems=[])
    return {c.name: (c.status, c.detail) for c in checks(ctx)}


def test_doctor_fails_in_production_on_a_missing_plain_or_documented_pin(tmp_path: Path) -> None:
    assert doctor_rows(cfg_for(tmp_path))["pin"][0] == "fail"  # none set
    status, detail = doctor_rows(cfg_for(tmp_path, pin="4444"))["pin"]
    assert status == "fail" and "plain-text" in detail
    (tmp_path / "technician-pin").write_text(hash_pin(DEV_PIN) + "\n")  # a documented PIN, hashed
    status, detail = doctor_rows(cfg_for(tmp_path))["pin"]
    assert status == "fail" and "documented" in detail
    assert doctor_rows(cfg_for(tmp_path, "development"))["pin"][0] == "warn"
    technician_pin.store(tmp_path, PIN)
    assert doctor_rows(cfg_for(tmp_path))["pin"] == ("ok", "set (salted scrypt hash in the state folder)")
    assert doctor_rows(cfg_for(tmp_path / "new", "development"))["pin"][0] == "ok"


def test_set_pin_from_stdin_generate_and_if_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    config = str(write_config(tmp_path / "config.toml", tmp_path / "state"))
    monkeypatch.setattr("sys.stdin", io.StringIO("123456\n"))
    assert cli.main(["technician", "set-pin", "--config", config]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: a run of consecutive digits") and "123456" not in err
    monkeypatch.setattr("sys.stdin", io.StringIO(PIN + "\n"))
    assert cli.main(["technician", "set-pin", "--config", config]) == 0
    assert capsys.readouterr().out == "technician PIN set\n"
    cfg = cfg_for(tmp_path / "state")
    assert setting(cfg).matches(PIN)
    assert cli.main(["technician", "set-pin", "--generate", "--if-unset", "--config", config]) == 0
    assert "already set" in capsys.readouterr().out and setting(cfg).matches(PIN)
    assert cli.main(["technician", "set-pin", "--generate", "--config", config]) == 0
    out = capsys.readouterr().out
    generated = re.search(r"technician PIN of this kiosk: (\d{8})\n", out)
    assert generated and "not shown again" in out
    assert setting(cfg).matches(generated.group(1)) and not setting(cfg).matches(PIN)
    assert generated.group(1) not in (tmp_path / "state" / "technician-pin").read_text()
    # each change is in the audit trail (unsigned: this kiosk has no device key yet), no digits in it
    events = AuditLog(tmp_path / "state").unsent(None)
    assert events == []  # nothing can be sent unsigned ...
    assert AuditLog(tmp_path / "state").counts() == (2, 2)  # ... but both are kept for the sync service

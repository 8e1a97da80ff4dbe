"""`kiosk run`: the lockdown check comes first, and without a display it points to the demo."""

from __future__ import annotations

import pytest

from kiosk.cli import main


@pytest.fixture
def no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)


def test_dev_without_display_says_so_in_one_line(no_display: None, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["run", "--dev", "--state-dir", str(tmp_path / "dev")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no display" in err[0] and "kiosk demo --out DIR" in err[0]
    assert "xvfb-run -a -s '-screen 0 1080x1920x24' ./dev.sh run" in err[0]


def test_production_refuses_simulated_devices_before_anything_opens(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "config.toml"
    cfg.write_text('[kiosk]\nmode = "production"\n[devices.card]\nbackend = "simulated"\n', encoding="utf-8")
    assert main(["run", "--config", str(cfg)]) == 1
    err = capsys.readouterr().err
    assert "error: production mode refuses simulated devices" in err and "Traceback" not in err


def test_production_without_display(no_display: None, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[storage]\nstate_dir = "{tmp_path / "state"}"\n', encoding="utf-8")
    assert main(["run", "--config", str(cfg)]) == 1
    assert "no display" in capsys.readouterr().err

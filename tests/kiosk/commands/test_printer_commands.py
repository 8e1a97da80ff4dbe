"""`kiosk receipt render`, `kiosk simulate printer`, `kiosk printer status|test` as a technician runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

KIOSK = [sys.executable, "-m", "kiosk"]


def run(*args: str, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if config is not None:
        env["KIOSK_CONFIG"] = str(config)
    return subprocess.run([*KIOSK, *args], capture_output=True, text=True, timeout=60, env=env)


def test_receipt_render_needs_no_printer(tmp_path: Path) -> None:
    out = tmp_path / "r.png"
    cfg = tmp_path / "c.toml"
    cfg.write_text('[devices.printer]\nwidth_dots = 384\n')
    r = run("receipt", "render", "--out", str(out), config=cfg)
    assert r.returncode == 0, r.stderr
    img = Image.open(out)
    assert img.width == 384
    assert zxingcpp.read_barcodes(img.convert("L")) == []  # receipts carry no QR code (a token lives 2 min)


@pytest.mark.daemon
def test_virtual_printer_cli_with_status_and_test(tmp_path: Path) -> None:
    link, out = tmp_path / "printer", tmp_path / "out"
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[devices.printer]\nbackend = "escpos"\nconnection = "serial"\nserial_port = "{link}"\ntimeout_s = 0.5\n')
    sim = subprocess.Popen([*KIOSK, "simulate", "printer", "--out", str(out), "--link", str(link), "--state", "near-end"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert sim.stdout is not None
        assert "virtual printer on" in sim.stdout.readline()
        r = run("printer", "status", config=cfg)
        assert (r.returncode, r.stdout.split()[0]) == (0, "near_end")  # still prints
        r = run("printer", "test", config=cfg)
        assert r.returncode == 0, r.stdout + r.stderr
        assert json.loads((out / "receipt-0001.json").read_text())["result"] == "cut"
        (out / "control.json").write_text('{"state": "cover-open"}')
        time.sleep(0.3)
        r = run("printer", "test", config=cfg)
        assert r.returncode == 1 and r.stdout == ""
        assert r.stderr.splitlines()[-1].startswith("test receipt failed: printer cover_open")
        r = run("doctor", config=cfg)
        assert any(line.startswith("printer") and "FAIL" in line and "cover_open" in line for line in r.stdout.splitlines())
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    assert sim.returncode == 0
    assert not link.exists()

"""`kiosk demo --out DIR`: one whole simulated session headless, and the folder it leaves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from kiosk.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.daemon, pytest.mark.display]


def test_demo_writes_screens_receipt_qr_and_a_masked_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    assert "verified" in capsys.readouterr().out
    screens = sorted((out / "screens").glob("*.png"))
    states = {p.stem.split("-", 1)[1] for p in screens}
    assert {"idle", "choose_service", "consent", "insert_card", "face", "phone", "otp", "result_qr",
            "take_card", "thank_you"} <= states
    with Image.open(screens[0]) as first:
        assert first.size == (1080, 1920)
    qr = (out / "qr.txt").read_text().strip()
    assert qr.startswith("TRK1:")
    with Image.open(out / "receipt.png") as receipt:
        assert receipt.width == 576 and receipt.height > 300
    record = json.loads((out / "record.json").read_text())
    assert record["outcome"] == "verified" and record["continuation"]["method"] == "qr"
    assert record["receipt"] == {"printed": True, "printer_state": "ok"}  # noted after printing
    assert record["continuation"]["qr_cti"]  # the QR shown (or a later re-issue) is on the record
    assert record["card"]["cid"].startswith("x-xxxx-xxxxx-")
    assert record["phone"]["number"] == "08x-xxx-5678"
    assert record["card"]["name_th"]["first"].endswith("…")
    text = (out / "record.json").read_text() + (out / "timeline.json").read_text()
    assert "1101700123456" not in text and "+66812345678" not in text

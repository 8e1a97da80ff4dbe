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
            "take_card", "rating"} <= states
    with Image.open(screens[0]) as first:
        assert first.size == (1080, 1920)
    qr = (out / "qr.txt").read_text().strip()
    assert qr.startswith("TRK1:")
    with Image.open(out / "receipt.png") as receipt:
        assert receipt.width == 576 and receipt.height > 300
    record = json.loads((out / "record.json").read_text())
    assert record["outcome"] == "verified" and record["continuation"]["method"] == "qr"
    assert record["receipt"] == {"printed": True, "printer_state": "ok"}  # noted after printing
    assert record["card_status"]["status"] == "normal" and record["rating"] == {"score": 5}
    assert record["continuation"]["qr_cti"]  # the QR shown (or a later re-issue) is on the record
    assert record["card"]["cid"].startswith("x-xxxx-xxxxx-")
    assert record["phone"]["number"] == "08x-xxx-5678"
    assert record["card"]["name_th"]["first"].endswith("…")
    text = (out / "record.json").read_text() + (out / "timeline.json").read_text()
    assert "1101700123456" not in text and "+66812345678" not in text


def test_the_demo_timeline_lists_the_cues_and_prompts_it_played(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--language", "en", "--no-screens"]) == 0
    assert "English voice prompts in" in capsys.readouterr().out
    timeline = json.loads((out / "timeline.json").read_text())
    sounds = [e for e in timeline if "sound" in e]
    states = [e["state"] for e in timeline if "state" in e]
    assert states[0] == "idle" and "result_qr" in states
    names = [e["sound"] for e in sounds]
    assert names[0] == "cue:step" and "cue:success" in names
    assert "prompt:en/choose.title" in names and "prompt:en/result_qr.title" in names
    assert {e["outcome"] for e in sounds} <= {"played", "interrupted"}  # the English pack is complete
    assert any(e["outcome"] == "played" and e["sound"] == "cue:step" for e in sounds)
    # each prompt was heard to its end, or until the citizen's next touch or screen cut it short
    # (on a loaded machine a touch can come before the first chunk was written: 0 s, interrupted)
    prompts = [e for e in sounds if e["sound"].startswith("prompt:en/")]
    assert all(e["seconds"] > 0 for e in prompts if e["outcome"] == "played")
    assert all(e["seconds"] >= 0 for e in prompts) and sum(e["seconds"] > 0 for e in prompts) > len(prompts) // 2
    assert [e["t_s"] for e in timeline] == sorted(e["t_s"] for e in timeline)


@pytest.mark.parametrize(("args", "last", "receipt", "ending"), [
    (["--card", "expired"], "error", True, ("failed", "card_expired")),
    (["--scenario", "impostor"], "error", True, ("failed", "face_mismatch")),
    (["--scenario", "printed-photo"], "error", True, ("failed", "liveness_failed")),
    (["--scenario", "no-face"], "error", False, ("failed", "timeout")),  # nobody there: nothing printed
    (["--scenario", "paper-out"], "result_qr", False, ("verified", None)),
    (["--scenario", "offline"], "error", True, ("failed", "offline")),
    (["--scenario", "card-removed"], "error", False, ("aborted", "card_removed")),
    (["--scenario", "timeout"], "error", False, ("aborted", "timeout")),
    (["--scenario", "cancel"], "take_card", False, ("aborted", "cancelled")),
    (["--scenario", "card-abnormal"], "error", False, ("failed", "card_status_abnormal")),
    (["--scenario", "ask-help"], "error", True, ("aborted", "asked_for_help")),  # the referral slip
], ids=lambda a: a[-1] if isinstance(a, list) else None)
def test_demo_writes_the_screens_of_every_ending(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   args: list[str], last: str, receipt: bool,
                                                   ending: tuple[str, str | None]) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), *args]) == 0
    assert "ended with" in capsys.readouterr().out
    states = [p.stem.split("-", 1)[1] for p in sorted((out / "screens").glob("*.png"))]
    # the last is the session's farewell, or the attract screen saying what is now degraded (no paper)
    assert states[0] == "idle" and last in states and states[-1] in ("thank_you", "rating", "take_card", "error", "idle")
    assert (out / "receipt.png").exists() == receipt
    record = json.loads((out / "record.json").read_text())
    assert (record["outcome"], record["failure_reason"]) == ending
    if ending[0] != "verified":
        # the card's issue date (the chip photo's age) only once the face step ran; never names or birth date
        assert set(record["card"]) == {"cid", "atr"} | ({"issue_date"} if "face" in record else set())
        assert not (out / "qr.txt").exists()
    if "paper-out" in args:
        assert record["receipt"] == {"printed": False, "printer_state": "paper_out"}
    if "card-abnormal" in args:
        assert record["card_status"]["status"] == "abnormal" and "referral" not in record
    if "ask-help" in args:
        assert record["referral"]["reason"] == "asked_for_help" and record["card_status"]["status"] == "normal"


def test_the_help_names_every_scenario() -> None:
    from kiosk.commands.demo import SCENARIO_NAMES
    from kiosk.devkit.scenarios import SCENARIOS

    assert SCENARIO_NAMES == tuple(SCENARIOS)


def test_an_unknown_scenario_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--out", str(tmp_path / "d"), "--scenario", "earthquake"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: unknown scenario 'earthquake' (one of verified, impostor, printed-photo, no-face, "
                   "paper-out, offline, card-removed, timeout, cancel, card-abnormal, ask-help)"]


def test_the_app_scan_demo_reads_the_apps_qr_and_the_server_binds_it(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--continuation", "app_scan", "--no-screens"]) == 0
    assert "the app's binding request: bound" in capsys.readouterr().out
    states = [json.loads(p.read_text())["state"] for p in sorted((out / "screens").glob("*.json"))]
    assert states[:3] == ["idle", "choose_service", "scan_app"] and "result_app" in states
    record = json.loads((out / "record.json").read_text())
    assert record["outcome"] == "verified" and record["continuation"]["method"] == "app_scan"
    assert record["continuation"]["app_request"].startswith("TRA1:") and not (out / "qr.txt").exists()

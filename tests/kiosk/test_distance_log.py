"""The distance log and `kiosk report --distances`: counts per photo-age band and distance bin of
verified and failed sessions, no personal data."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk import cli, distance_log

BKK = ZoneInfo("Asia/Bangkok")
CID = "1101700203451"


def record(created_at: str, outcome: str, distance: float | None, issued: str | None) -> dict[str, Any]:
    r: dict[str, Any] = {"record_id": "0b7c2a52-1e0b-4c38-9e0f-3f1f7a0d9c11", "created_at": created_at, "outcome": outcome,
                         "card": {"cid": CID, "atr": "3B67", "date_of_birth": "1950-04-01"}}
    if issued:
        r["card"]["issue_date"] = issued
    if distance is not None:
        r["face"] = {"method": "dlib-resnet-v1", "distance": distance, "threshold": 0.45,
                     "liveness": {"method": "active-blink-turn-dlib5", "passed": True}}
    return r


SESSIONS = [
    record("2026-11-20T09:00:00+07:00", "verified", 0.3861, "2025-01-10"),  # photo 1.9 years old
    record("2026-11-20T10:00:00+07:00", "verified", 0.4120, "2016-03-01"),  # 10.7 years
    record("2026-11-20T11:00:00+07:00", "failed", 0.8412, "2016-03-01"),
    record("2026-11-20T23:30:00Z", "failed", 0.4712, "2016-03-01"),  # the 21st in Bangkok
    record("2026-11-21T08:00:00+07:00", "failed", 0.40, None),  # no issue date: band unknown
    record("2026-11-21T09:00:00+07:00", "aborted", None, "2020-01-01"),  # no face step: not counted
]


@pytest.fixture
def state(tmp_path: Path) -> Path:
    for r in SESSIONS:
        distance_log.note_record(tmp_path, r, BKK)
    return tmp_path


def test_each_face_decision_is_counted_in_its_band_and_bin(state: Path) -> None:
    counts = distance_log.read(state)
    assert sum(counts.values()) == 5
    hist = distance_log.histogram(counts)
    assert hist["0-2 y"] == {"verified": {0.35: 1}}
    assert hist["8+ y"] == {"verified": {0.4: 1}, "failed": {0.8: 1, 0.45: 1}}
    assert hist["unknown"] == {"failed": {0.4: 1}}
    later = distance_log.histogram(counts, since=date(2026, 11, 21))
    assert later == {"8+ y": {"failed": {0.45: 1}}, "unknown": {"failed": {0.4: 1}}}
    text = (state / distance_log.FILE).read_text()
    for personal in (CID, "1950", "0b7c2a52", "0.3861", "2016-03-01"):
        assert personal not in text
    assert (state / distance_log.FILE).stat().st_mode & 0o777 == 0o600


def test_an_unwritable_log_never_fails_the_session(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    missing = tmp_path / "no-such-dir"
    distance_log.note_record(missing, SESSIONS[0], BKK)
    assert "face distance not counted" in caplog.text


def test_report_prints_the_histogram_per_photo_age_band(state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[storage]\nstate_dir = "{state}"\n')
    assert cli.main(["report", "--config", str(cfg), "--distances"]) == 0
    out = capsys.readouterr().out
    assert out.index("photo age 0-2 y") < out.index("photo age 8+ y") < out.index("photo age unknown")
    assert "photo age 8+ y: failed 2, verified 1" in out
    assert "  0.45-0.50          0       1       0  #  <- threshold" in out
    assert CID not in out
    empty = tmp_path / "empty"
    empty.mkdir()
    cfg.write_text(f'[storage]\nstate_dir = "{empty}"\n')
    assert cli.main(["report", "--config", str(cfg), "--distances"]) == 0
    assert "no face distances recorded yet" in capsys.readouterr().out

"""`kiosk report`: counts per day, purpose, outcome and failure reason from a real outbox file."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk import cli, report
from sync.outbox import KEK_NAME, Outbox

# The server acknowledges after the sessions: on 2026-11-23 from 00:00 UTC, a minute apart.
ACK_START = int(datetime(2026, 11, 23, tzinfo=UTC).timestamp())
CID = "1101700203451"
NAME = {"prefix": "นาย", "first": "สมชาย", "middle": "", "last": "ใจดี"}


def record(created_at: str, outcome: str, reason: str | None = None, purpose: str = "ial_upgrade") -> dict[str, Any]:
    r: dict[str, Any] = {
        "record_id": str(uuid.uuid4()), "kiosk_id": "KIOSK-BKK-0042", "created_at": created_at,
        "clock_synced": True, "purpose": purpose, "outcome": outcome, "failure_reason": reason,
        "card": {"cid": CID, "atr": "3B67"}, "app_version": "0.1.0",
    }
    if outcome == "verified":
        r["ial"] = "2.3"
        r["card"].update(name_th=NAME, date_of_birth="1980-04")
        r["phone"] = {"number": "+66812345678", "verified": True, "method": "otp"}
    else:
        r["ial"] = "none"
    return r


# Sessions of a kiosk in Bangkok (UTC+7); the server acknowledged all but the last two.
ACKED = [
    record("2026-11-20T09:00:00+07:00", "verified"),
    record("2026-11-20T10:00:00+07:00", "verified"),
    record("2026-11-20T11:00:00+07:00", "failed", "face_mismatch"),
    record("2026-11-20T12:00:00+07:00", "failed", "face_mismatch", purpose="register"),
    record("2026-11-20T23:30:00Z", "aborted", "card_removed"),  # 06:30 on the 21st in Bangkok
    record("2026-11-21T08:00:00+07:00", "verified"),
    record("2026-11-22T08:00:00+07:00", "failed", "liveness_failed"),
]
PENDING = record("2026-11-22T09:00:00+07:00", "verified")
DEAD = record("2026-11-22T10:00:00+07:00", "aborted", "timeout")


@pytest.fixture
def kiosk_config(tmp_path: Path) -> Path:
    state = tmp_path / "state"
    clock = iter(float(t) for t in range(ACK_START, ACK_START + 100_000, 60))
    with Outbox.open(state / "outbox.sqlite", kek_path=state / KEK_NAME, budget_bytes=8 << 20,
                     clock=lambda: next(clock)) as outbox:
        for r in [*ACKED, PENDING, DEAD]:
            outbox.enqueue(r)
        claimed = outbox.claim_batch(100, lease_s=60)
        ids = {c.record_id for c in claimed}
        outbox.ack([r["record_id"] for r in ACKED])
        outbox.release([PENDING["record_id"]])
        outbox.dead(DEAD["record_id"], "rejected: schema")
        assert {r["record_id"] for r in [*ACKED, PENDING, DEAD]} == ids
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[storage]\nstate_dir = "{state}"\n')
    return cfg


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def kiosk(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run the `kiosk` command line in-process (the console script's own entry point)."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


def test_csv_counts_per_day_purpose_outcome_and_reason(kiosk: Callable[..., Result], kiosk_config: Path) -> None:
    result = kiosk("report", "--csv", "--config", str(kiosk_config))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [
        ["date", "purpose", "outcome", "failure_reason", "count"],
        ["2026-11-20", "ial_upgrade", "failed", "face_mismatch", "1"],
        ["2026-11-20", "ial_upgrade", "verified", "", "2"],
        ["2026-11-20", "register", "failed", "face_mismatch", "1"],
        ["2026-11-21", "ial_upgrade", "aborted", "card_removed", "1"],
        ["2026-11-21", "ial_upgrade", "verified", "", "1"],
        ["2026-11-22", "ial_upgrade", "failed", "liveness_failed", "1"],
    ]
    assert "2 record(s) not yet acknowledged" in result.stderr


def test_report_carries_no_personal_data(kiosk: Callable[..., Result], kiosk_config: Path) -> None:
    out = kiosk("report", "--csv", "--config", str(kiosk_config)).stdout
    out += kiosk("report", "--config", str(kiosk_config)).stdout
    for secret in [CID, "สมชาย", "ใจดี", "0812345678", "+66812345678", "1980-04",
                   *(r["record_id"] for r in ACKED)]:
        assert secret not in out


def test_since_until_are_inclusive_days_in_the_chosen_zone(kiosk: Callable[..., Result], kiosk_config: Path) -> None:
    result = kiosk("report", "--csv", "--since", "2026-11-21", "--until", "2026-11-21", "--config", str(kiosk_config))
    assert [r[:3] + r[4:] for r in csv.reader(io.StringIO(result.stdout))][1:] == [
        ["2026-11-21", "ial_upgrade", "aborted", "1"],
        ["2026-11-21", "ial_upgrade", "verified", "1"],
    ]
    # In UTC the 23:30Z session belongs to the 20th.
    utc = kiosk("report", "--csv", "--tz", "UTC", "--until", "2026-11-20", "--config", str(kiosk_config))
    assert ["2026-11-20", "ial_upgrade", "aborted", "card_removed", "1"] in list(csv.reader(io.StringIO(utc.stdout)))


def test_table_has_totals(kiosk: Callable[..., Result], kiosk_config: Path) -> None:
    result = kiosk("report", "--config", str(kiosk_config))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["DATE", "PURPOSE", "OUTCOME", "FAILURE", "REASON", "COUNT"]
    assert lines[-1].split() == ["total", "7"]
    assert ["2026-11-20", "(all)", "(all)", "4"] in [line.split() for line in lines]


@pytest.mark.parametrize(("args", "message"), [
    (["--since", "21/11/2026"], "--since '21/11/2026': expected a date as YYYY-MM-DD"),
    (["--since", "2026-11-22", "--until", "2026-11-20"], "--until 2026-11-20 is before --since 2026-11-22"),
    (["--tz", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
])
def test_bad_options_get_one_clear_line(kiosk: Callable[..., Result], kiosk_config: Path, args: list[str], message: str) -> None:
    result = kiosk("report", *args, "--config", str(kiosk_config))
    assert result.returncode != 0
    assert result.stderr.strip() == f"error: {message}" or message in result.stderr.strip().splitlines()[-1]
    assert "Traceback" not in result.stderr


def test_a_new_kiosk_reports_empty_naming_the_path(kiosk: Callable[..., Result], tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[storage]\nstate_dir = "{tmp_path / "nothing"}"\n')
    result = kiosk("report", "--config", str(cfg))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["DATE", "PURPOSE", "OUTCOME", "FAILURE", "REASON", "COUNT"]
    assert lines[1].split() == ["total", "0"]
    assert lines[2].startswith("empty: no session recorded yet")
    assert str(tmp_path / "nothing" / "outbox.sqlite") in lines[2]
    csv = kiosk("report", "--csv", "--config", str(cfg))
    assert csv.returncode == 0 and csv.stdout == "date,purpose,outcome,failure_reason,count\r\n"
    assert not (tmp_path / "nothing").exists()  # a report creates nothing


@dataclass
class T:
    purpose: str
    outcome: str
    failure_reason: str | None
    created_at: str


def test_summarise_skips_unreadable_dates_and_counts_them() -> None:
    rows, unreadable = report.summarise(
        [T("register", "verified", None, "2026-01-01T00:00:00+07:00"), T("register", "verified", None, "garbage")],
        tz=report.zone("Asia/Bangkok"),
    )
    assert rows == [report.ReportRow(date(2026, 1, 1), "register", "verified", "", 1)]
    assert unreadable == 1


def test_window_reaches_back_a_day_before_since() -> None:
    tz = report.zone("Asia/Bangkok")
    assert report.window(None, tz) is None
    assert report.window(date(2026, 11, 21), tz) == datetime(2026, 11, 20, tzinfo=tz)

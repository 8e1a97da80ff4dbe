"""Doctor storage checks: key, disk, corrupt files, budget, backlog, dead letters."""

from __future__ import annotations

import time
from pathlib import Path

from kiosk import config
from kiosk.doctor import DoctorContext, check_50_storage
from sync.keys import DeviceKey
from sync.outbox import Outbox
from tests.sync.outbox_helpers import record


def by_name(state: Path, **storage: object) -> dict[str, tuple[str, str]]:
    cfg = config.from_dict({"storage": {"state_dir": str(state), **storage}})
    return {c.name: (c.status, c.detail) for c in check_50_storage.checks(DoctorContext(cfg, Path("c.toml"), []))}


def test_fresh_state_dir(tmp_path: Path) -> None:
    got = by_name(tmp_path)
    assert got["device-key"][0] == "fail" and "kiosk keys init" in got["device-key"][1]
    assert got["outbox"][0] == "warn"
    assert got["free-disk"][0] == "ok"
    assert by_name(tmp_path / "missing")["state-dir"][0] == "fail"


def test_healthy_outbox_with_backlog_and_dead_letters(tmp_path: Path) -> None:
    DeviceKey.create(tmp_path)
    old = time.time() - 30 * 3600
    with Outbox.open(tmp_path / "outbox.sqlite", kek_path=tmp_path / "outbox.kek", budget_bytes=512 << 20,
                     clock=lambda: old) as ob:
        a, b = record(), record()
        ob.enqueue(a)
        ob.enqueue(b)
        ob.claim_batch(1, 60)
        ob.dead(a["record_id"], "rejected: conflict")
    got = by_name(tmp_path)
    assert got["device-key"][0] == "ok"
    assert got["outbox"][0] == "ok" and "integrity ok" in got["outbox"][1]
    assert got["budget"][0] == "ok"
    assert got["backlog"][0] == "warn" and "30." in got["backlog"][1]
    assert got["dead-letters"][0] == "warn" and "kiosk queue dead" in got["dead-letters"][1]


def test_budget_nearly_full_is_a_failure(tmp_path: Path) -> None:
    with Outbox.open(tmp_path / "outbox.sqlite", kek_path=tmp_path / "outbox.kek", budget_bytes=1 << 20) as ob:
        while not ob.would_exceed(64 * 1024):
            ob.enqueue({**record(), "app_version": "0.1.0+" + "x" * 16000})  # big records: fewer fsyncs
    got = by_name(tmp_path, max_outbox_mb=1)
    assert got["budget"][0] == "fail" and "OUT OF SERVICE" in got["budget"][1]


def test_corrupt_outbox_is_reported_and_kept(tmp_path: Path) -> None:
    (tmp_path / "outbox.sqlite").write_bytes(b"not sqlite" * 1000)
    got = by_name(tmp_path)
    assert got["outbox"][0] == "fail" and "corrupt" in got["outbox"][1]
    again = by_name(tmp_path)  # the moved-aside file stays a fault until a technician clears it
    assert again["corrupt-files"][0] == "fail"
    assert again["outbox"][0] == "warn"

"""Doctor checks of the central server against a real reference server on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import from_dict
from kiosk.doctor import DoctorContext
from kiosk.doctor.check_60_server import checks
from sync.server import ServerThread, revoke_key
from tests.sync.central import enrolled_kiosk

pytestmark = pytest.mark.daemon


def run(tmp_path: Path, url: str) -> dict[str, tuple[str, str]]:
    cfg = from_dict({"storage": {"state_dir": str(tmp_path / "state")}, "sync": {"server_url": url}})
    return {c.name: (c.status, c.detail) for c in checks(DoctorContext(cfg, tmp_path / "c.toml", []))}


def test_enrolled_kiosk_with_a_good_clock(tmp_path: Path) -> None:
    with ServerThread(tmp_path / "central.sqlite") as srv:
        kiosk = enrolled_kiosk(srv, tmp_path / "state")
        got = run(tmp_path, srv.url)
        assert got["reachable"][0] == "ok"
        assert got["clock-skew"][0] == "ok"
        assert got["enrollment"] == ("ok", f"kiosk {kiosk.kiosk_id}, key {kiosk.key.key_id} accepted by the server")
        assert srv.query("SELECT * FROM heartbeats") == []  # the probe stores nothing
        revoke_key(srv.db_path, kiosk.key.key_id)
        status, detail = run(tmp_path, srv.url)["enrollment"]
        assert status == "fail" and "key_revoked" in detail


def test_clock_skew_is_reported(tmp_path: Path) -> None:
    import time

    with ServerThread(tmp_path / "central.sqlite", clock=lambda: time.time() + 400) as srv:
        status, detail = run(tmp_path, srv.url)["clock-skew"]
    import re

    skew = int(re.search(r"is ([+-]\d+) s", detail).group(1))  # type: ignore[union-attr]
    assert status == "fail" and -402 <= skew <= -398  # server time has whole seconds


def test_unreachable_and_not_enrolled(tmp_path: Path) -> None:
    got = run(tmp_path, "http://127.0.0.1:9")
    assert got["reachable"][0] == "fail"
    assert got["clock-skew"][0] == "skip"
    assert got["enrollment"][0] == "fail" and "kiosk enroll" in got["enrollment"][1]


def test_sync_link_says_why_uploads_wait_and_when_to_re_enroll(tmp_path: Path) -> None:
    from sync.link import PERSISTENT_401_S, Link, unauthorized_detail

    (tmp_path / "state").mkdir()
    t = [1_790_000_000.0]
    link = Link(tmp_path / "state", clock=lambda: t[0])
    url = "http://127.0.0.1:9"
    assert run(tmp_path, url)["sync-link"][0] == "skip"
    link.set("up", "")
    assert run(tmp_path, url)["sync-link"][0] == "ok"
    link.set("refused", "server refuses uploads: HTTP 405 method_not_allowed; retrying", retry_at=t[0] + 8)
    status, detail = run(tmp_path, url)["sync-link"]
    assert status == "warn" and "HTTP 405" in detail and "next try" in detail
    since = t[0]
    link.set("unauthorized", unauthorized_detail("key_revoked", since, t[0])[0])
    status, detail = run(tmp_path, url)["sync-link"]
    assert status == "warn" and "if it persists, re-enroll" in detail  # a 401 may be a key rotation
    t[0] += PERSISTENT_401_S
    line, persistent = unauthorized_detail("key_revoked", since, t[0])
    link.set("unauthorized", line, persistent=persistent)
    status, detail = run(tmp_path, url)["sync-link"]
    assert status == "fail" and "for 5 min (key_revoked): re-enroll: sudo -u kiosk kiosk enroll" in detail

"""`kiosk keys init|show` and `kiosk queue status|dead|retry`, through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from sync.outbox import Outbox
from tests.sync.outbox_helpers import SECRETS, record


@pytest.fixture()
def cfg(tmp_path: Path) -> tuple[str, Path]:
    state = tmp_path / "state"
    path = tmp_path / "config.toml"
    path.write_text(f'[storage]\nstate_dir = "{state}"\nmax_outbox_mb = 1\n')
    return str(path), state


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_keys_show_before_init_names_the_fix(cfg: tuple[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "keys", "show", "--config", cfg[0])
    assert code == 1 and "kiosk keys init" in err and "Traceback" not in err


def test_keys_init_then_show(cfg: tuple[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "keys", "init", "--config", cfg[0])
    assert code == 0 and "created" in out
    key_id = out.split("key id ")[1].rstrip(")\n")
    code, out, _ = run(capsys, "keys", "init", "--config", cfg[0])
    assert code == 0 and "already exists" in out and key_id in out
    code, out, _ = run(capsys, "keys", "show", "--config", cfg[0])
    assert code == 0 and out.startswith("-----BEGIN PUBLIC KEY-----") and f"key id: {key_id}" in out
    assert "PRIVATE" not in out


def _fill(state: Path) -> list[str]:
    with Outbox.open(state / "outbox.sqlite", kek_path=state / "outbox.kek", budget_bytes=1 << 20) as ob:
        recs = [record() for _ in range(4)]
        for r in recs:
            ob.enqueue(r)
        ob.claim_batch(2, 600)
        ob.ack([recs[0]["record_id"]])
        ob.dead(recs[1]["record_id"], "rejected: invalid_record")
        return [r["record_id"] for r in recs]


def test_queue_status_dead_and_retry(cfg: tuple[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    path, state = cfg
    ids = _fill(state)
    code, out, _ = run(capsys, "queue", "status", "--config", path)
    assert code == 0
    assert "pending       2" in out and "acknowledged  1" in out and "dead          1" in out and "MiB" in out
    code, out, _ = run(capsys, "queue", "status", "--json", "--config", path)
    st = json.loads(out)
    assert (st["pending"], st["in_flight"], st["acknowledged"], st["dead"]) == (2, 0, 1, 1)
    code, out, _ = run(capsys, "queue", "dead", "--config", path)
    assert code == 0 and ids[1] in out and "rejected: invalid_record" in out
    for secret in SECRETS:
        assert secret not in out
    code, _, err = run(capsys, "queue", "retry", ids[2], "--config", path)
    assert code == 1 and "not dead" in err
    code, out, _ = run(capsys, "queue", "retry", ids[1], "--config", path)
    assert code == 0 and "1 record" in out
    code, out, _ = run(capsys, "queue", "dead", "--config", path)
    assert "no dead records" in out
    code, _, err = run(capsys, "queue", "retry", "--all-dead", "--config", path)
    assert code == 1 and "no dead records" in err


def test_queue_status_reports_out_of_service(cfg: tuple[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    path, state = cfg
    with Outbox.open(state / "outbox.sqlite", kek_path=state / "outbox.kek", budget_bytes=1 << 20) as ob:
        while not ob.would_exceed(64 * 1024):
            ob.enqueue({**record(), "app_version": "0.1.0+" + "x" * 16000})  # big records: fewer fsyncs
    code, out, _ = run(capsys, "queue", "status", "--config", path)
    assert code == 0 and "OUT OF SERVICE" in out


def test_queue_on_a_corrupt_database_names_the_cause(cfg: tuple[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    path, state = cfg
    state.mkdir()
    (state / "outbox.sqlite").write_bytes(b"garbage" * 1000)
    code, _, err = run(capsys, "queue", "status", "--config", path)
    assert code == 1 and "corrupt" in err and "kept as" in err and "Traceback" not in err


def test_queue_commands_on_a_new_kiosk_say_empty_and_create_nothing(cfg: tuple[str, Path],
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path, state = cfg
    code, out, err = run(capsys, "queue", "status", "--config", path)
    assert code == 0 and err == ""
    assert out.startswith("empty: no session recorded yet") and str(state / "outbox.sqlite") in out
    code, out, _ = run(capsys, "queue", "status", "--json", "--config", path)
    st = json.loads(out)
    assert code == 0 and st["empty"] is True and st["pending"] == st["dead"] == 0 and not st["out_of_service"]
    code, out, _ = run(capsys, "queue", "dead", "--config", path)
    assert code == 0 and out.strip() == "no dead records"
    code, _, err = run(capsys, "queue", "retry", "--all-dead", "--config", path)
    assert code == 1 and "no dead records to retry" in err
    assert not (state / "outbox.sqlite").exists() and not (state / "outbox.kek").exists()


def test_queue_status_shows_open_records_and_why_uploads_wait(cfg: tuple[str, Path],
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from sync.link import Link

    path, state = cfg
    with Outbox.open(state / "outbox.sqlite", kek_path=state / "outbox.kek", budget_bytes=1 << 20) as ob:
        ob.enqueue(record(), final=False)  # a session still writing it
        ob.enqueue(record())
    code, out, _ = run(capsys, "queue", "status", "--config", path)
    assert code == 0 and "pending       1" in out and "open          1" in out
    assert "sync          unknown: the sync service has not run yet" in out
    Link(state).set("refused", "server refuses uploads: HTTP 404 not_found (check sync.server_url and any "
                               "proxy in between); retrying", retry_at=2_000_000_000.0)
    code, out, _ = run(capsys, "queue", "status", "--config", path)
    assert "sync          degraded: refused since" in out and "HTTP 404" in out and "next try 2033-05-18T03:33:20Z" in out
    code, out, _ = run(capsys, "queue", "status", "--json", "--config", path)
    st = json.loads(out)
    assert (st["pending"], st["open"], st["sync"]["state"], st["sync"]["health"]) == (1, 1, "refused", "degraded")


def test_queue_dead_never_shows_what_an_older_version_stored_in_clear(cfg: tuple[str, Path],
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    path, state = cfg
    ids = _fill(state)
    conn = sqlite3.connect(state / "outbox.sqlite")  # as if written before reasons were redacted
    conn.execute("UPDATE records SET dead_reason = ? WHERE record_id = ?",
                 [f"invalid: card/cid '{SECRETS[0]}' name {SECRETS[1]} {SECRETS[2]}", ids[1]])
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "queue", "dead", "--config", path)
    code_json, out_json, _ = run(capsys, "queue", "dead", "--json", "--config", path)
    (letter,) = json.loads(out_json)
    assert code == code_json == 0 and ids[1] in out and letter["record_id"] == ids[1]
    for shown in (out, letter["reason"]):
        assert "invalid: card/cid [redacted]" in shown
        for secret in SECRETS:
            assert secret not in shown

"""Enrollment against the reference server: happy path, every token failure with its own error and
message, the admin token API, and the `kiosk enroll` / `kiosk central mint-token` commands."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from kiosk.cli import main
from sync import enroll as en
from sync.keys import DeviceKey
from sync.server import ServerThread, mint_token
from tests.sync.central import ADMIN_TOKEN, Clock

pytestmark = pytest.mark.daemon


def test_happy_path_creates_key_and_stores_enrollment(server: ServerThread, tmp_path: Path) -> None:
    state = tmp_path / "state"
    token = mint_token(server.db_path, "site-1")
    result = en.enroll(server.url, token, "KIOSK-BKK-01", state, model="boonterm", site_name="Lat Phrao",
                       site_province="Bangkok")
    key = DeviceKey.load(state)
    assert result.key_id == key.key_id
    assert en.load_enrollment(state) == result
    stored = json.loads((state / "enrollment.json").read_text())
    assert stored["kiosk_id"] == "KIOSK-BKK-01"
    row = server.query("SELECT * FROM kiosks")[0]
    assert (row["site_id"], row["model"], row["site_province"]) == ("site-1", "boonterm", "Bangkok")


def test_load_enrollment_absent(tmp_path: Path) -> None:
    assert en.load_enrollment(tmp_path) is None


@pytest.mark.parametrize("case, error, words", [
    ("unknown", en.TokenUnknown, "unknown"),
    ("used", en.TokenUsed, "already used"),
    ("expired", en.TokenExpired, "expired"),
    ("superseded", en.TokenSuperseded, "newer one"),
])
def test_token_failures(server: ServerThread, tmp_path: Path, clock: Clock, case: str,
                        error: type[en.EnrollmentError], words: str) -> None:
    token = mint_token(server.db_path, "site-1", ttl_s=60)
    if case == "unknown":
        token = "ENR-not-a-token"
    elif case == "used":
        en.enroll(server.url, token, "KIOSK-A", tmp_path / "a")
    elif case == "expired":
        clock.t += 61
    elif case == "superseded":
        mint_token(server.db_path, "site-1")
    with pytest.raises(error) as e:
        en.enroll(server.url, token, "KIOSK-B", tmp_path / "b")
    assert words in str(e.value)
    assert not (tmp_path / "b" / "enrollment.json").exists()
    # each failure has its own class: no other token error matches
    others = {en.TokenUnknown, en.TokenUsed, en.TokenExpired, en.TokenSuperseded} - {error}
    assert not isinstance(e.value, tuple(others))


def test_server_unreachable(tmp_path: Path) -> None:
    with pytest.raises(en.EnrollmentUnreachable):
        en.enroll("http://127.0.0.1:9", "x", "KIOSK-A", tmp_path, timeout_s=1)


def test_bad_kiosk_id_is_refused(server: ServerThread, tmp_path: Path) -> None:
    with pytest.raises(en.EnrollmentRefused) as e:
        en.enroll(server.url, mint_token(server.db_path, "s"), "a b", tmp_path)
    assert e.value.code == "invalid"


def test_reenrollment_revokes_the_old_key(server: ServerThread, tmp_path: Path) -> None:
    first = en.enroll(server.url, mint_token(server.db_path, "s"), "KIOSK-A", tmp_path / "old")
    second = en.enroll(server.url, mint_token(server.db_path, "s"), "KIOSK-A", tmp_path / "new")
    keys = {r["key_id"]: r["revoked_at"] for r in server.query("SELECT * FROM keys")}
    assert keys[first.key_id] is not None and keys[second.key_id] is None


def test_admin_token_endpoint(server: ServerThread, tmp_path: Path) -> None:
    url = server.url + "/v1/admin/enrollment-tokens"
    denied = httpx.post(url, json={"site_id": "s"}, headers={"Authorization": "Bearer wrong"})
    assert (denied.status_code, denied.json()["error"]["code"]) == (401, "admin_unauthorized")
    resp = httpx.post(url, json={"site_id": "s", "ttl_s": 3600}, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert resp.status_code == 201
    assert en.enroll(server.url, resp.json()["token"], "KIOSK-A", tmp_path).kiosk_id == "KIOSK-A"
    short = httpx.post(url, json={"site_id": "s", "ttl_s": 5}, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert short.status_code == 400


def test_enroll_and_mint_commands(server: ServerThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[storage]\nstate_dir = "{tmp_path / "state"}"\n[sync]\nserver_url = "{server.url}"\n')
    assert main(["central", "mint-token", "--site", "site-9", "--db", str(server.db_path)]) == 0
    token = capsys.readouterr().out.strip()
    assert main(["enroll", "--config", str(cfg), "--server", server.url, "--token", token,
                 "--kiosk-id", "KIOSK-CLI-1"]) == 0
    assert "enrolled kiosk KIOSK-CLI-1" in capsys.readouterr().out
    assert main(["enroll", "--config", str(cfg), "--server", server.url, "--token", token,
                 "--kiosk-id", "KIOSK-CLI-1"]) == 1
    err = capsys.readouterr().err
    assert "\nerror: the enrollment token was already used" in "\n" + err
    assert "Traceback" not in err

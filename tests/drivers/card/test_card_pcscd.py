"""Through the real path: pyscard → pcscd → vpcd → the virtual card (marker `daemon`).

Every built-in profile is read with `kiosk card read --json` and through the API; insertions
and removals come from connecting/disconnecting the virtual card; pcscd is restarted while the
monitor runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pytest

from drivers.card import CardMonitor, CardRemoved, load_profile
from drivers.card.pcsc import PcscCardReader
from drivers.card.vpcd import VirtualCard
from kiosk import config as config_mod
from kiosk.doctor import DoctorContext, check_20_card
from tests.drivers.card.card_events import CardEvents
from tests.drivers.card.vpcd_card import card_present, error_line, inserted, run_cli, wait_for
from tests.harness.pcscd import READER, Pcscd

pytestmark = pytest.mark.daemon
ROOT = Path(__file__).resolve().parents[3]
KEYS = {"atr", "cid", "name_th", "name_en", "date_of_birth", "gender", "issuer", "issue_date", "expiry_date",
        "lifelong", "expired", "address", "request_number", "photo_number", "photo", "apdu_count"}
READABLE = ["normal", "old-3b67", "lifelong-bangkok", "expired", "unknown-atr"]


@pytest.mark.parametrize("name", READABLE)
def test_profile_through_cli_json_and_api(
    name: str, reader: PcscCardReader, config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    profile = load_profile(name)
    spec = json.loads((ROOT / "drivers/card/profiles" / f"{name}.json").read_text(encoding="utf-8"))
    with inserted(reader, name):
        code, out, err = run_cli(capsys, "card", "read", "--json", "--reveal", "--photo", str(tmp_path / "p.jpg"))
        assert code == 0, err
        doc = json.loads(out)
        with reader.connect() as card:
            text = card.read_text()
            assert card.apdu_count == (10 if name == "unknown-atr" else 9)
            photo = card.read_photo()
            api_count = card.apdu_count
    assert set(doc) == KEYS
    assert doc["atr"] == profile.chip.atr.hex().upper() == text.atr.hex().upper()
    assert doc["cid"] == spec["fields"]["cid"] == text.cid
    for key in ("name_th", "name_en"):
        assert "#".join(doc[key][p] for p in ("prefix", "first", "middle", "last")) == spec["fields"][key]
    assert doc["date_of_birth"] == text.date_of_birth.iso()
    assert doc["lifelong"] == (spec["fields"]["expiry_date"] == "99999999") == (doc["expiry_date"] is None)
    assert doc["photo"] == {"sha256": hashlib.sha256(profile.photo).hexdigest(), "bytes": len(profile.photo)}
    assert (tmp_path / "p.jpg").read_bytes() == profile.photo == photo
    assert doc["apdu_count"] == api_count == (50 if name == "unknown-atr" else 49)
    assert doc["address"] == text.address.as_dict()


def test_masked_by_default(reader: PcscCardReader, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with inserted(reader, "normal"):
        code, out, _ = run_cli(capsys, "card", "read", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["cid"] == "1-xxxx-xxxxx-xx-6"
    assert doc["name_th"]["first"] == "ส." and "สมชาย" not in out and "1101700123456" not in out


@pytest.mark.parametrize(
    ("profile", "expected"),
    [("bad-check-digit", "field cid"), ("foreign-card", "not a Thai national ID card")],
)
def test_bad_cards_give_one_error_line(
    profile: str, expected: str, reader: PcscCardReader, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with inserted(reader, profile):
        code, out, err = run_cli(capsys, "card", "read", "--json")
    assert code == 1 and out == ""
    assert expected in error_line(err)


def test_no_card_and_unknown_reader(reader: PcscCardReader, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "card", "read")
    assert code == 1 and "no card" in error_line(err)
    code, _, err = run_cli(capsys, "card", "read", "--reader", "Gemalto")
    assert code == 1 and "no card reader matching 'Gemalto'" in error_line(err)


def test_card_pulled_mid_read_is_card_removed(
    reader: PcscCardReader, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = VirtualCard(load_profile("normal"), remove_after=20)
    with card:
        wait_for(lambda: card_present(reader), what="card")
        code, out, err = run_cli(capsys, "card", "read", "--json")
    assert code == 1 and out == ""
    assert "card removed" in error_line(err)
    wait_for(lambda: not card_present(reader), what="removal")


def test_readers_command_lists_the_virtual_reader(reader: PcscCardReader, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "card", "readers")
    assert code == 0 and f"{READER}\tempty" in out


def test_simulate_card_command_in_its_own_process(reader: PcscCardReader, config: Path) -> None:
    env = {**os.environ, "KIOSK_CONFIG": str(config)}
    sim = subprocess.Popen(
        [str(Path(sys.executable).parent / "kiosk"), "simulate", "card", "--profile", "old-3b67", "--latency-ms", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        wait_for(lambda: card_present(reader), what="the simulated card")
        with reader.connect() as card:
            text = card.read_text()
            assert card.read_photo() == load_profile("old-3b67").photo
        assert text.name_th.middle == "ศรี" and text.atr[:2] == b"\x3b\x67"
    finally:
        sim.terminate()
        out, _ = sim.communicate(timeout=10)
    assert sim.returncode == 0 and "SIMULATION" in out
    wait_for(lambda: not card_present(reader), what="removal")


def test_insert_and_remove_events_from_the_virtual_card(reader: PcscCardReader) -> None:
    events = CardEvents()
    with CardMonitor(reader, events, debounce_s=0.1, poll_s=0.05):
        events.wait("reader_added")
        mark = len(events.items)
        card = VirtualCard(load_profile("normal"))
        with card:
            inserted_event = events.wait("inserted", mark)
            mark = len(events.items)
        removed_event = events.wait("removed", mark)
    assert inserted_event.reader == READER and inserted_event.atr == load_profile("normal").chip.atr
    assert removed_event.reader == READER


def test_monitor_and_reader_recover_after_pcscd_restarts(reader: PcscCardReader, pcscd: Pcscd) -> None:
    events = CardEvents()
    with VirtualCard(load_profile("normal")), CardMonitor(reader, events, debounce_s=0.1, poll_s=0.05):
        events.wait("inserted")
        mark = len(events.items)
        pcscd.stop()
        events.wait("fault", mark)
        pcscd.start()
        events.wait("recovered", mark)
        wait_for(lambda: card_present(reader), what="card back after restart")
        with reader.connect() as card:  # same reader object: its PC/SC context was re-established
            assert card.read_text().cid == "1101700123456"
        mark = len(events.items)
        pcscd.restart()
        wait_for(lambda: card_present(reader), what="card back after the second restart")
        with reader.connect() as card:
            assert card.read_photo() == load_profile("normal").photo
        kinds = [e.kind for e in events.items[mark:]]
        assert kinds.count("fault") == kinds.count("recovered")  # each fault reported once, and its end
    wait_for(lambda: not card_present(reader), what="removal")


def test_doctor_reports_readers_and_a_test_read(
    reader: PcscCardReader, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = DoctorContext(config_mod.load(config), config, [])
    with inserted(reader, "normal"):
        results = list(check_20_card.checks(ctx))
    checks = {c.name: asdict(c) for c in results}
    out = json.dumps(checks, ensure_ascii=False)
    assert checks["readers"]["status"] == "ok" and READER in checks["readers"]["detail"]
    assert checks["card-present"]["status"] == "ok"
    assert checks["test-read"]["status"] == "ok", checks["test-read"]
    assert "49 APDUs" in checks["test-read"]["detail"]
    assert "1101700123456" not in out


def test_card_removed_between_text_and_photo(reader: PcscCardReader) -> None:
    card = VirtualCard(load_profile("normal"))
    with card:
        wait_for(lambda: card_present(reader), what="card")
        connection = reader.connect()
    with connection, pytest.raises(CardRemoved):
        wait_for(lambda: not card_present(reader), what="removal")
        connection.read_text()


def test_connect_settles_when_the_reader_first_says_removed(
    reader: PcscCardReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    from drivers.card import pcsc

    real_connect = pcsc.scard.SCardConnect
    calls: list[int] = []

    def settling(*args: object) -> object:
        calls.append(1)
        if len(calls) <= 3:  # what some readers answer right after insertion
            return pcsc.scard.SCARD_W_REMOVED_CARD, 0, 0
        return real_connect(*args)

    monkeypatch.setattr(pcsc.scard, "SCardConnect", settling)
    with inserted(reader, "normal"), reader.connect() as card:
        assert card.read_text().cid == "1101700123456"
    assert len(calls) == 4


def test_connect_gives_up_after_the_settle_timeout(reader: PcscCardReader, monkeypatch: pytest.MonkeyPatch) -> None:
    from drivers.card import NoCard, pcsc

    monkeypatch.setattr(pcsc.scard, "SCardConnect", lambda *a: (pcsc.scard.SCARD_W_REMOVED_CARD, 0, 0))
    reader.settle_timeout_s = 0.3
    with inserted(reader, "normal"):
        started = time.monotonic()
        with pytest.raises(NoCard):
            reader.connect()
        assert 0.3 <= time.monotonic() - started < 2.0

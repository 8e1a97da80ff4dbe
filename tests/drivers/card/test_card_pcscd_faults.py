"""Faults through the real path (pyscard → pcscd → vpcd → the misbehaving virtual card): pcscd
killed mid-read, a mute card, a SELECT answered 6C xx, a passing glitch of the citizen id, and a
card swapped faster than pcscd's presence poll (marker `daemon`)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from drivers.card import CardMonitor, CardRemoved, MuteCard, ReaderFault, load_profile
from drivers.card.chip import Misbehaviour
from drivers.card.layout import FIELDS
from drivers.card.pcsc import PcscCardReader
from drivers.card.vpcd import VirtualCard
from tests.drivers.card.card_events import CardEvents
from tests.drivers.card.vpcd_card import card_present, error_line, inserted, run_cli, wait_for
from tests.harness.pcscd import READER, Pcscd

pytestmark = pytest.mark.daemon


def test_pcscd_killed_mid_read_is_a_reader_fault_then_the_kiosk_recovers(
    reader: PcscCardReader, pcscd: Pcscd
) -> None:
    def kill(n: int) -> None:
        if n == 15 and pcscd.proc is not None:
            os.kill(pcscd.proc.pid, signal.SIGKILL)

    with VirtualCard(load_profile("normal"), on_apdu=kill):
        wait_for(lambda: card_present(reader), what="card")
        with reader.connect() as card, pytest.raises(ReaderFault, match="pcscd") as e:
            card.read_text()
            card.read_photo()
        assert not isinstance(e.value, CardRemoved)
        with pytest.raises(ReaderFault):
            reader.states()
        pcscd.restart()
        wait_for(lambda: card_present(reader), what="the card after pcscd came back")
        with reader.connect() as card:  # the same reader object, no kiosk restart
            assert card.read_text().cid == "1101700123456"
    wait_for(lambda: not card_present(reader), what="removal")


def test_pcscd_killed_mid_read_through_the_cli(
    reader: PcscCardReader, pcscd: Pcscd, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def kill(n: int) -> None:
        if n == 30 and pcscd.proc is not None:
            os.kill(pcscd.proc.pid, signal.SIGKILL)

    try:
        with VirtualCard(load_profile("normal"), on_apdu=kill):
            wait_for(lambda: card_present(reader), what="card")
            code, out, err = run_cli(capsys, "card", "read")
    finally:
        pcscd.restart()
    line = error_line(err)
    assert code == 1 and out == "" and "pcscd stopped during the read" in line and "removed" not in line
    wait_for(lambda: not card_present(reader), what="removal")


def test_a_mute_card_fails_the_read_in_one_line_and_the_reader_works_after(
    reader: PcscCardReader, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with inserted(reader, "normal", misbehaviour=Misbehaviour(mute_at=12)):
        code, out, err = run_cli(capsys, "card", "read")
        assert code == 1 and out == ""
        assert "did not answer" in error_line(err) and "mute" in error_line(err)
    # pulled out: vpcd's wait for the answer ends, the abandoned connection is reset and closed
    with inserted(reader, "old-3b67"), reader.connect() as card:
        assert card.read_photo() == load_profile("old-3b67").photo


def test_a_mute_card_through_the_api_with_a_short_deadline(reader: PcscCardReader) -> None:
    quick = PcscCardReader(exchange_timeout_s=0.5)
    with inserted(reader, "normal", misbehaviour=Misbehaviour(mute_at=3)), quick.connect() as card:
        with pytest.raises(MuteCard):
            card.read_text()
        assert reader.states()[READER] is not None  # the rest of the kiosk is not held up
    quick.close()


def test_6cxx_to_the_select_is_not_followed_and_not_called_a_foreign_card(
    reader: PcscCardReader, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with inserted(reader, "normal", misbehaviour=Misbehaviour(select_sw=0x6C83)) as card:
        code, _, err = run_cli(capsys, "card", "read")
        sent = list(card.chip.commands)
    line = error_line(err)
    assert code == 1 and "6C 83 to SELECT" in line and "not a Thai national ID card" not in line
    assert [c for c in sent if c[1] == 0xA4] == [bytes.fromhex("00A4040008A000000054480001")]


def test_a_passing_glitch_of_the_3rd_citizen_id_digit_is_read_again(reader: PcscCardReader) -> None:
    glitch = Misbehaviour(glitches={FIELDS["cid"][0] + 2: [ord("9")]})  # 1101700… -> 1191700…, check digit still fine
    with inserted(reader, "normal", misbehaviour=glitch), reader.connect() as card:
        assert card.read_text().cid == "1101700123456"


def test_a_swap_faster_than_the_presence_poll_is_removed_then_inserted(reader: PcscCardReader) -> None:
    events = CardEvents()
    with CardMonitor(reader, events, refresh_s=30):
        events.wait("reader_added")
        with VirtualCard(load_profile("normal")):
            events.wait("inserted")
            mark = len(events.items)
            # pcscd powers an idle card down ~0.4 s after insertion; vpcd would then take a swap
            # made during that step for the same card (pcscd itself never sees it). A card in the
            # kiosk stays far longer than that before it is pulled out.
            time.sleep(1.0)
        with VirtualCard(load_profile("old-3b67")):  # in again at once: well inside one 400 ms poll
            inserted_event = events.wait("inserted", mark)
            kinds = events.kinds()[mark:]
        events.wait("removed", mark + 2)
    assert kinds == ["removed", "inserted"]
    assert inserted_event.atr == load_profile("old-3b67").chip.atr
    wait_for(lambda: not card_present(reader), what="removal")

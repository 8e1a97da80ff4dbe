"""The single transmit helper: status words, GET RESPONSE P2 by ATR, refusals, fuzzed answers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.card.apdu import CardChannel, get_response_p2
from drivers.card.errors import CardError, RefusedCommand, UnexpectedStatus
from drivers.card.layout import read_command

OK = b"\x90\x00"


class Scripted:
    """A transport answering from a function of the command; records what was sent."""

    def __init__(self, answer: Callable[[bytes], bytes]) -> None:
        self.answer = answer
        self.sent: list[bytes] = []

    def transmit(self, command: bytes) -> bytes:
        self.sent.append(command)
        return self.answer(command)


def card_wanting_p2(p2: int, data: bytes = b"0123456789") -> Scripted:
    def answer(cmd: bytes) -> bytes:
        if cmd[1] == 0xB0:
            return bytes([0x61, len(data)])
        if cmd[1] == 0xC0:
            if cmd[3] != p2:
                return b"\x6a\x86"
            return data + OK
        return b"\x6d\x00"

    return Scripted(answer)


@pytest.mark.parametrize(
    ("atr", "p2"),
    [
        ("3B 67 00 00 2D 20 36 00 78 90 00", 0x01),
        ("3B 79 96 00 00 54 48 20 4E 49 44 20 31 38", 0x00),
        ("3B 78 96 00 00 54 48 20 4E 49 44 20 31 37", 0x00),
        ("3B 68 00 00 00 73 C8 40 12 00 90 00", 0x00),
        ("3B 7D 94 00 00 80 31 80 65 B0 83 11 C0 A9 83 00 90 00", None),
    ],
)
def test_get_response_p2_follows_the_atr(atr: str, p2: int | None) -> None:
    assert get_response_p2(bytes.fromhex(atr)) == p2


@pytest.mark.parametrize(("atr", "card_p2"), [("3B67", 0x01), ("3B79", 0x00)])
def test_known_atr_sends_its_p2_first_time(atr: str, card_p2: int) -> None:
    card = card_wanting_p2(card_p2)
    channel = CardChannel(card, bytes.fromhex(atr))
    assert channel.exchange(read_command(4, 10), expect=10) == b"0123456789"
    assert [c[3] for c in card.sent if c[1] == 0xC0] == [card_p2]
    assert channel.apdu_count == 2


def test_unknown_atr_probes_p2_once_and_remembers() -> None:
    card = card_wanting_p2(0x01)
    channel = CardChannel(card, bytes.fromhex("3B7D94"))
    channel.exchange(read_command(4, 10), expect=10)
    channel.exchange(read_command(20, 10), expect=10)
    assert [c[3] for c in card.sent if c[1] == 0xC0] == [0x00, 0x01, 0x01]


def test_6cxx_resends_with_the_length_the_card_names() -> None:
    data = b"abcdef"

    def answer(cmd: bytes) -> bytes:
        if cmd[1] == 0xB0:
            return b"\x61\x10"  # announces 16 but holds 6: the GET RESPONSE Le gets corrected
        if cmd[4] != len(data):
            return bytes([0x6C, len(data)])
        return data + OK

    card = Scripted(answer)
    channel = CardChannel(card, bytes.fromhex("3B79"))
    assert channel.exchange(read_command(0, 6)) == data
    assert [c.hex() for c in card.sent[1:]] == ["00c0000010", "00c0000006"]


def test_90_00_with_data_is_accepted_without_get_response() -> None:
    card = Scripted(lambda cmd: b"0123456789" + OK)
    assert CardChannel(card, b"\x3b\x79").exchange(read_command(4, 10), expect=10) == b"0123456789"
    assert len(card.sent) == 1


def test_short_answer_is_an_error() -> None:
    card = card_wanting_p2(0x00, data=b"short")
    with pytest.raises(CardError, match="5 bytes"):
        CardChannel(card, b"\x3b\x79").exchange(read_command(4, 10), expect=10)


@pytest.mark.parametrize("sw", ["6A82", "6B00", "6986", "6F00", "6700"])
def test_other_status_words_raise_typed_errors_naming_the_sw(sw: str) -> None:
    card = Scripted(lambda cmd: bytes.fromhex(sw))
    with pytest.raises(UnexpectedStatus) as e:
        CardChannel(card, b"\x3b\x79").exchange(read_command(4, 10))
    assert e.value.sw == int(sw, 16)
    assert f"{sw[:2]} {sw[2:]}" in str(e.value)


def test_a_card_that_never_stops_asking_is_a_typed_error() -> None:
    card = Scripted(lambda cmd: b"\x61\x05")
    with pytest.raises(UnexpectedStatus):
        CardChannel(card, b"\x3b\x79").exchange(read_command(4, 5))


@pytest.mark.parametrize(
    "command",
    [
        "0020000108" + "31323334FFFFFFFF",  # VERIFY PIN
        "8020000108" + "31323334FFFFFFFF",
        "0024000110" + "00" * 16,  # CHANGE REFERENCE DATA
        "002C000100",  # RESET RETRY COUNTER
        "00D6000002" + "4142",  # UPDATE BINARY
        "00D0000002" + "4142",  # WRITE BINARY
        "00E2000002" + "4142",  # APPEND RECORD
        "00DA010102" + "4142",  # PUT DATA
        "000E000000",  # ERASE BINARY
        "80D6000002" + "4142",
        "00B0000010",  # READ BINARY with the wrong class is not the card's read either
    ],
)
def test_pin_and_write_instructions_never_reach_the_card(command: str) -> None:
    card = Scripted(lambda cmd: OK)
    channel = CardChannel(card, b"\x3b\x79")
    with pytest.raises(RefusedCommand):
        channel.exchange(bytes.fromhex(command))
    assert card.sent == [] and channel.apdu_count == 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=300), min_size=1, max_size=20), st.integers(1, 255))
def test_fuzzed_card_answers_give_data_or_a_typed_error(answers: list[bytes], length: int) -> None:
    queue = list(answers)
    card = Scripted(lambda cmd: queue.pop(0) if queue else b"\x6f\x00")
    try:
        data = CardChannel(card, bytes.fromhex("3B7D")).exchange(read_command(4, length), expect=length)
    except CardError:
        return
    assert len(data) == length


@pytest.mark.parametrize(
    ("command", "resent"),
    [
        ("80CA9F7F00", "80CA9F7F2D"),  # case 2: GET DATA's Le
        ("00C0000010", "00C000002D"),  # case 2: GET RESPONSE's Le
        ("00A4040008A00000005448000100", "00A4040008A0000000544800012D"),  # case 4: only the Le
    ],
)
def test_6cxx_changes_only_the_le_of_a_command_that_has_one(command: str, resent: str) -> None:
    def answer(cmd: bytes) -> bytes:
        return bytes(0x2D) + OK if cmd[-1] == 0x2D else b"\x6c\x2d"

    card = Scripted(answer)
    channel = CardChannel(card, b"\x3b\x79")
    assert channel.exchange(bytes.fromhex(command)) == bytes(0x2D)
    assert [c.hex().upper() for c in card.sent] == [command, resent]


@pytest.mark.parametrize(
    "command",
    [
        "00A4040008A000000054480001",  # SELECT (case 3): its last byte is the applet id
        "80B0000402000D",  # this card's READ (case 3): the length is in its data
        "00A40400",  # case 1
    ],
)
def test_6cxx_to_a_command_without_le_is_an_error_and_nothing_is_resent(command: str) -> None:
    card = Scripted(lambda cmd: b"\x6c\x83")
    channel = CardChannel(card, b"\x3b\x79")
    with pytest.raises(UnexpectedStatus, match="6C 83") as e:
        channel.exchange(bytes.fromhex(command))
    assert e.value.sw == 0x6C83 and [c.hex().upper() for c in card.sent] == [command]

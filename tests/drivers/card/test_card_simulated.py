"""Reading every built-in profile from the in-process simulated card, faults included."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from drivers.card import (
    CardRemoved,
    InvalidCardData,
    NoCard,
    NotThaiIdCard,
    SimulatedCardReader,
    list_profiles,
    load_profile,
    open_reader,
)
from drivers.card.chip import Chip
from drivers.card.layout import FILE_SIZE, PHOTO_OFFSET

PROFILES = Path(str(resources.files("drivers.card") / "profiles"))
READABLE = ["normal", "old-3b67", "lifelong-bangkok", "expired", "unknown-atr"]
FORBIDDEN_INS = {0x20, 0x24, 0x2C, 0xD6, 0xD0, 0xD2, 0xDC, 0xE2, 0xDA, 0xDB, 0x0E, 0x0F}


def spec(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((PROFILES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def test_builtin_profiles_cover_the_issue() -> None:
    assert set(list_profiles()) >= {"normal", "old-3b67", "lifelong-bangkok", "expired", "bad-check-digit", "unknown-atr"}


@pytest.mark.parametrize("name", READABLE)
def test_profile_reads_back_what_the_profile_file_says(name: str) -> None:
    fields = spec(name)["fields"]
    assert isinstance(fields, dict)
    profile = load_profile(name)
    with SimulatedCardReader(name) as reader, reader.connect() as card:
        text = card.read_text()
        text_apdus = card.apdu_count
        photo = card.read_photo()
        total = card.apdu_count
    assert text.atr == profile.chip.atr
    assert text.cid == fields["cid"]
    for key in ("name_th", "name_en"):
        parts = [getattr(getattr(text, key), p) for p in ("prefix", "first", "middle", "last")]
        assert "#".join(parts) == fields[key]
    be = fields["date_of_birth"]
    assert text.date_of_birth.year == int(be[:4]) - 543
    assert text.issue_date.isoformat().replace("-", "") == str(int(fields["issue_date"][:4]) - 543) + fields["issue_date"][4:]
    assert text.lifelong == (fields["expiry_date"] == "99999999")
    assert text.photo_number == fields["photo_number"] and text.request_number == fields["request_number"]
    assert photo == (PROFILES / str(spec(name)["photo"])).read_bytes()
    # the plan: SELECT + 3 READs + the citizen id again (+ one P2 probe for an unknown ATR);
    # photo in 20 chunks
    assert text_apdus == (10 if name == "unknown-atr" else 9)
    assert total == (50 if name == "unknown-atr" else 49)


def test_expired_and_valid_cards_are_told_apart() -> None:
    with SimulatedCardReader("expired") as reader, reader.connect() as card:
        text = card.read_text()
    assert text.expiry_date == date(2022, 1, 9)
    assert text.expired(date(2022, 1, 10)) and not text.expired(date(2022, 1, 9))


def test_photo_holds_spaces_across_a_chunk_border_and_survives_them() -> None:
    profile = load_profile("normal")
    assert profile.photo[254:256] == b"  "
    with SimulatedCardReader(profile) as reader, reader.connect() as card:
        assert card.read_photo() == profile.photo


def test_bad_check_digit_is_read_twice_then_refused() -> None:
    reader = SimulatedCardReader("bad-check-digit")
    with reader.connect() as card, pytest.raises(InvalidCardData) as e:
        card.read_text()
    assert e.value.field == "cid"
    assert reader.chip is not None
    reads_of_cid = [c.hex().upper() for c in reader.chip.commands if c[:4] == bytes.fromhex("80B00004")]
    # each pass: the first text read (which holds the id) and the id's 13 bytes on their own
    assert reads_of_cid == ["80B0000402" + "00DE", "80B0000402" + "000D"] * 2


def test_foreign_card_is_not_a_thai_id_card() -> None:
    with SimulatedCardReader("foreign-card") as reader, reader.connect() as card:
        with pytest.raises(NotThaiIdCard, match="6A 82"):
            card.read_text()


def test_empty_reader_has_no_card() -> None:
    with pytest.raises(NoCard):
        SimulatedCardReader().connect()


def test_chip_and_laser_ids_are_best_effort() -> None:
    with SimulatedCardReader("normal") as reader, reader.connect() as card:
        text = card.read_text(chip_ids=True)
        photo = card.read_photo()
    assert (text.chip_id, text.laser_id) == (spec("normal")["chip_id"], spec("normal")["laser_id"])
    assert photo == load_profile("normal").photo
    with SimulatedCardReader("old-3b67") as reader, reader.connect() as card:
        text = card.read_text(chip_ids=True)
    assert text.chip_id is None and text.laser_id is None


def full_read_apdus() -> int:
    with SimulatedCardReader("normal") as reader, reader.connect() as card:
        card.read_text()
        card.read_photo()
        return card.apdu_count


@pytest.mark.parametrize("n", range(1, full_read_apdus() + 1))
def test_card_pulled_at_any_apdu_gives_card_removed_and_nothing_partial(n: int) -> None:
    reader = SimulatedCardReader("normal")
    results: list[object] = []
    with reader.connect() as card:
        reader.fail_at_apdu(n)
        with pytest.raises(CardRemoved):
            results.append(card.read_text())
            results.append(card.read_photo())
    # what escaped is whole: the text (when the card left during the photo), never a photo
    assert len(results) == (1 if n > 9 else 0)
    assert reader.states() == {reader.reader_name: None}


def test_card_swapped_between_steps_is_card_removed() -> None:
    reader = SimulatedCardReader("normal")
    with reader.connect() as card:
        card.read_text()
        reader.remove()
        reader.insert("old-3b67")
        with pytest.raises(CardRemoved):
            card.read_photo()


def test_reads_never_send_pin_or_writes_and_leave_the_pin_counter() -> None:
    for name in READABLE:
        reader = SimulatedCardReader(name)
        with reader.connect() as card:
            card.read_text(chip_ids=True)
            card.read_photo()
        assert reader.chip is not None
        assert not {c[1] for c in reader.chip.commands} & FORBIDDEN_INS
        assert reader.chip.pin_tries_left == 3


def test_open_reader_simulated_is_marked_simulation() -> None:
    reader = open_reader("simulated", simulated_profile="normal")
    assert "SIMULATION" in reader.readers()[0]
    with pytest.raises(ValueError):
        open_reader("nfc")  # type: ignore[arg-type]


# --- the chip is strict like a real one -----------------------------------------------------

def selected_chip(name: str = "normal") -> Chip:
    chip = Chip(load_profile(name).chip)
    assert chip.process(bytes.fromhex("00A4040008A000000054480001")) == b"\x61\x0a"
    return chip


def test_chip_read_then_get_response() -> None:
    chip = selected_chip()
    assert chip.process(bytes.fromhex("80B0000402000D")) == b"\x61\x0d"
    assert chip.process(bytes.fromhex("00C000000D")) == b"1101700123456\x90\x00"


@pytest.mark.parametrize(
    ("commands", "sw"),
    [
        (["80B0000402000D", "00C000010D"], "6A86"),  # wrong P2 for this ATR
        (["80B0000402000D", "00C0000010"], "6C0D"),  # wrong Le names the right one
        (["80B0000402000D", "00C000000D", "00C000000D"], "6985"),  # nothing left to fetch
        ([f"80B0{FILE_SIZE - 10:04X}020020"], "6B00"),  # past the end of the file
        (["80B00004030000"], "6700"),  # wrong Lc
        (["80B00004020000"], "6700"),  # zero length
        (["80FF000000"], "6D00"),  # unknown instruction
        (["A0B0000402000D"], "6E00"),  # unknown class
        (["00A4040008A000000054480099"], "6A82"),  # unknown applet
        (["00A4040108A000000054480001"], "6A86"),  # wrong P1/P2 on SELECT
    ],
)
def test_chip_answers_errors_with_the_real_status_words(commands: list[str], sw: str) -> None:
    chip = selected_chip()
    answers = [chip.process(bytes.fromhex(c)) for c in commands]
    assert answers[-1] == bytes.fromhex(sw)


def test_chip_counts_down_pin_tries() -> None:
    chip = selected_chip()
    assert chip.process(bytes.fromhex("80200001083132333400000000")) == b"\x63\xc2"
    assert chip.pin_tries_left == 2


def test_read_before_select_is_refused_by_the_chip() -> None:
    chip = Chip(load_profile("normal").chip)
    assert chip.process(bytes.fromhex("80B0000402000D")) == b"\x69\x86"


def test_photo_region_ends_where_the_address_starts() -> None:
    assert PHOTO_OFFSET + 5118 == 0x1579


def test_full_read_transcript_follows_the_card_specification() -> None:
    reader = SimulatedCardReader("normal")
    with reader.connect() as card:
        card.read_text()
        card.read_photo()
    assert reader.chip is not None
    sent = [c.hex(" ").upper() for c in reader.chip.commands]
    assert sent[:9] == [
        "00 A4 04 00 08 A0 00 00 00 54 48 00 01",  # SELECT, its 61 0A not fetched
        "80 B0 00 04 02 00 DE", "00 C0 00 00 DE",  # cid, names, birth date, gender
        "80 B0 00 E2 02 00 97", "00 C0 00 00 97",  # request number .. card type
        "80 B0 15 79 02 00 AE", "00 C0 00 00 AE",  # 160-byte address + number under the photo
        "80 B0 00 04 02 00 0D", "00 C0 00 00 0D",  # the citizen id again (its 3rd digit is unchecked)
    ]
    photo = sent[9:]
    assert len(photo) == 40
    for i in range(20):  # chunk i at 0x017B + 255 i: P1 = i + 1, P2 = 0x7B - i
        assert photo[2 * i] == f"80 B0 {i + 1:02X} {0x7B - i:02X} 02 00 FF"
        assert photo[2 * i + 1] == "00 C0 00 00 FF"


def test_reader_unplugged_mid_read_is_a_reader_fault() -> None:
    from drivers.card import NoReader, ReaderFault

    reader = SimulatedCardReader("normal")
    with reader.connect() as card:
        card.read_text()
        reader.plugged = False
        with pytest.raises(ReaderFault, match="unplugged"):
            card.read_photo()
    with pytest.raises(NoReader):
        reader.connect()

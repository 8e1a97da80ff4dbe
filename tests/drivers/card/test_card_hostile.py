"""Broken and hostile cards on the strict in-process chip: corrupt text, a 3rd citizen-id digit
the check digit cannot see, 6C xx to a SELECT, failing SELECTs, fake and broken photos, a mute
card and pcscd dying mid-read. Each ends in a typed error (one line), or in the true data after
one re-read when the fault was passing."""

from __future__ import annotations

import io
import json
from importlib import resources
from pathlib import Path

import pytest
from PIL import Image
from stdnum.th import pin

from drivers.card import (
    CardRemoved,
    InvalidCardData,
    MuteCard,
    NotThaiIdCard,
    ReaderFault,
    SimulatedCardReader,
    UnexpectedStatus,
    load_profile,
)
from drivers.card.chip import ChipData, Misbehaviour
from drivers.card.layout import FIELDS, PERSONAL_AID, PHOTO_OFFSET, select_command
from drivers.card.profiles import CardProfile, build_image

PROFILES = Path(str(resources.files("drivers.card") / "profiles"))
CID = "1101700123456"
CID_AT = FIELDS["cid"][0]


def reader_with(misbehaviour: Misbehaviour, profile: str | CardProfile = "normal", **kw: float) -> SimulatedCardReader:
    reader = SimulatedCardReader(**kw)  # type: ignore[arg-type]
    reader.insert(profile, misbehaviour)
    return reader


def read_all(reader: SimulatedCardReader) -> tuple[str, bytes]:
    with reader.connect() as card:
        return card.read_text().cid, card.read_photo()


def text_passes(reader: SimulatedCardReader) -> int:
    assert reader.chip is not None
    return sum(c.hex().upper() == "80B0000402" + "00DE" for c in reader.chip.commands)


# --- item 4: the citizen id is confirmed by a second read -------------------------------------

@pytest.mark.parametrize("digit", [d for d in "0123456789" if d != CID[2]])
def test_a_one_time_corruption_of_the_3rd_digit_is_caught_and_read_again(digit: str) -> None:
    corrupted = CID[:2] + digit + CID[3:]
    assert pin.is_valid(corrupted)  # the check digit cannot see it: weight 11 is 0 mod 11
    for which in ([ord(digit)], [None, ord(digit)]):  # in the text read, or in the confirming read
        reader = reader_with(Misbehaviour(glitches={CID_AT + 2: list(which)}))
        cid, photo = read_all(reader)
        assert cid == CID and photo == load_profile("normal").photo
        assert text_passes(reader) == 2


def test_citizen_id_reads_that_never_agree_are_refused() -> None:
    reader = reader_with(Misbehaviour(glitches={CID_AT + 2: [ord("5"), None, ord("5"), None]}))
    with reader.connect() as card, pytest.raises(InvalidCardData, match="two reads") as e:
        card.read_text()
    assert e.value.field == "cid" and CID not in str(e.value)


# --- item 3: corrupt text is read once more, then refused -------------------------------------

@pytest.mark.parametrize(
    ("field", "offset", "byte"),
    [
        ("name_th", FIELDS["name_th"][0] + 4, 0xFF),  # not TIS-620
        ("name_th", FIELDS["name_th"][0] + 4, 0x07),  # a control character
        ("name_en", FIELDS["name_en"][0] + 5, 0xC1),  # a Thai byte in the English name
        ("issuer", FIELDS["issuer"][0] + 2, 0xDB),
        ("address", FIELDS["address"][0] + 10, 0xFC),
        ("gender", FIELDS["gender"][0], ord("9")),
        ("expiry_date", FIELDS["expiry_date"][0] + 1, ord("2")),  # 2573 -> 2273: before the issue date
    ],
)
def test_corrupt_text_read_once_more_then_refused_or_accepted(field: str, offset: int, byte: int) -> None:
    passing = reader_with(Misbehaviour(glitches={offset: [byte]}))
    with passing.connect() as card:
        assert card.read_text().cid == CID  # a passing glitch: the second read is good
    assert text_passes(passing) == 2
    lasting = reader_with(Misbehaviour(glitches={offset: [byte] * 10}))
    with lasting.connect() as card, pytest.raises(InvalidCardData) as e:
        card.read_text()
    assert e.value.field == field and text_passes(lasting) == 2


# --- item 5: 6C xx never rewrites a SELECT; failing SELECTs -----------------------------------

def test_6cxx_to_a_select_is_a_fault_and_no_other_applet_is_selected() -> None:
    reader = reader_with(Misbehaviour(select_sw=0x6C83))
    with reader.connect() as card, pytest.raises(UnexpectedStatus, match="6C 83 to SELECT") as e:
        card.read_text()
    assert not isinstance(e.value, NotThaiIdCard)
    assert reader.chip is not None
    assert reader.chip.commands == [select_command(PERSONAL_AID)]


@pytest.mark.parametrize("sw", [0x6F00, 0x6A86, 0x6E00, 0x6999, 0x6400])
def test_a_select_failing_other_than_applet_not_found_is_a_card_or_reader_fault(sw: int) -> None:
    reader = reader_with(Misbehaviour(select_sw=sw))
    with reader.connect() as card, pytest.raises(UnexpectedStatus) as e:
        card.read_photo()
    assert not isinstance(e.value, NotThaiIdCard) and e.value.sw == sw
    assert "card or reader fault" in str(e.value)


def test_applet_not_found_is_not_a_thai_id_card() -> None:
    with reader_with(Misbehaviour(select_sw=0x6A82)).connect() as card, pytest.raises(NotThaiIdCard):
        card.read_text()


# --- item 6: the photo is the whole JPEG, and a plausible one ---------------------------------

def jpeg(size: tuple[int, int] = (148, 178), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (180, 140, 120)).save(out, "JPEG", quality=85, **save)
    return out.getvalue()


def with_photo(photo: bytes) -> CardProfile:
    spec = json.loads((PROFILES / "normal.json").read_text(encoding="utf-8"))
    data = ChipData(atr=bytes.fromhex(spec["atr"]), image=bytes(build_image(spec["fields"], photo)))
    return CardProfile("test-photo", "", data, photo)


def test_end_marker_bytes_inside_a_segment_do_not_cut_the_photo() -> None:
    photo = jpeg(comment=b"origin \xff\xd9 " * 30)
    assert photo.find(b"\xff\xd9") < 400 < len(photo)
    _, read = read_all(reader_with(Misbehaviour(), with_photo(photo)))
    assert read == photo


@pytest.mark.parametrize(
    ("photo", "why"),
    [
        (b"\xff\xd8\xff\xfe\x00\x04ab\xff\xd9", "too small"),  # a 10-byte "photo"
        (jpeg((40, 40)), "not the size of a card photo"),
        (jpeg((148, 178))[:-2] + b"\x00" * 4, "does not end"),  # no end marker in the area
        (b"GIF89a" + b"\x00" * 2000, "not a JPEG"),
        (jpeg().replace(b"\xff\xc0\x00\x11\x08\x00\xb2", b"\xff\xc0\x00\x11\x08\x00\x00"), "does not decode"),
    ],
)
def test_a_photo_that_is_not_a_card_photo_is_refused_after_one_more_read(photo: bytes, why: str) -> None:
    reader = reader_with(Misbehaviour(), with_photo(photo))
    with reader.connect() as card, pytest.raises(InvalidCardData, match=why) as e:
        card.read_photo()
    assert e.value.field == "photo"
    assert reader.chip is not None
    assert sum(c[:4] == bytes.fromhex("80B0017B") for c in reader.chip.commands) == 2  # read once more


def test_a_passing_glitch_in_the_photo_is_read_again() -> None:
    reader = reader_with(Misbehaviour(glitches={PHOTO_OFFSET + 1: [0x00]}))
    _, photo = read_all(reader)
    assert photo == load_profile("normal").photo


# --- item 7: a mute card fails the read in one line and is reset ------------------------------

@pytest.mark.parametrize("mute_at", [1, 2, 12, 30])
def test_a_mute_card_fails_the_read_and_is_reset(mute_at: int) -> None:
    reader = reader_with(Misbehaviour(mute_at=mute_at), exchange_timeout_s=0.2)
    with reader.connect() as card, pytest.raises(MuteCard) as e:
        card.read_text()
        card.read_photo()
    assert len(str(e.value).splitlines()) == 1 and "did not answer" in str(e.value)
    assert reader.chip is not None and not reader.chip.mute  # the deadline reset it
    with pytest.raises(MuteCard, match="abandoned"):
        card.read_photo()  # the abandoned connection refuses at once


# --- item 2: pcscd gone mid-read is the kiosk's fault -----------------------------------------

@pytest.mark.parametrize("n", [1, 5, 20])
def test_pcscd_stopping_mid_read_is_a_reader_fault_not_a_removal(n: int) -> None:
    reader = SimulatedCardReader("normal")
    with reader.connect() as card:
        reader.stop_service_at_apdu(n)
        with pytest.raises(ReaderFault, match="pcscd stopped") as e:
            card.read_text()
            card.read_photo()
    assert not isinstance(e.value, CardRemoved)
    with pytest.raises(ReaderFault, match="not reachable"):
        reader.states()

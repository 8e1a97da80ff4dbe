"""Where everything lives on the chip: applet ids, the personal file layout and the read plan.

The personal file is 5,950 bytes with fixed offsets (see the README's card section). The text is
read with three contiguous READs, the photo with 255-byte chunks from 0x017B, stopping after the
chunk that holds the JPEG's end marker.
"""

from __future__ import annotations

PERSONAL_AID = bytes.fromhex("A000000054480001")
LASER_AID = bytes.fromhex("A000000084060002")
FILE_SIZE = 5950
MAX_READ = 255  # one GET RESPONSE answers at most 255 bytes here (Le is one byte)

# name -> (offset, length)
FIELDS: dict[str, tuple[int, int]] = {
    "version": (0x0000, 4),
    "cid": (0x0004, 13),
    "name_th": (0x0011, 100),
    "name_en": (0x0075, 100),
    "date_of_birth": (0x00D9, 8),
    "gender": (0x00E1, 1),
    "request_number": (0x00E2, 20),
    "issuer": (0x00F6, 100),
    "issuer_code": (0x015A, 13),
    "issue_date": (0x0167, 8),
    "expiry_date": (0x016F, 8),
    "card_type": (0x0177, 2),
    "photo": (0x017B, 5118),
    "address": (0x1579, 160),
    "photo_number": (0x1619, 14),
}

PHOTO_OFFSET, PHOTO_LENGTH = FIELDS["photo"]

# Three contiguous reads cover every text field: cid..gender, request number..card type,
# address + number under the photo.
TEXT_READS: tuple[tuple[int, int], ...] = (
    (0x0004, 0x00E2 - 0x0004),
    (0x00E2, 0x0179 - 0x00E2),
    (0x1579, 0x1627 - 0x1579),
)

# The field-by-field plan most readers use (one READ per field), kept for comparison.
FIELD_BY_FIELD = (
    "cid",
    "name_th",
    "name_en",
    "date_of_birth",
    "gender",
    "request_number",
    "issuer",
    "issue_date",
    "expiry_date",
    "address",
    "photo_number",
)


def select_command(aid: bytes) -> bytes:
    return bytes([0x00, 0xA4, 0x04, 0x00, len(aid)]) + aid


def read_command(offset: int, length: int) -> bytes:
    """READ BINARY of this card: `80 B0 <off_hi> <off_lo> 02 00 <len>`."""
    if not (0 < length <= MAX_READ) or offset < 0 or offset + length > FILE_SIZE:
        raise ValueError(f"read of {length} bytes at 0x{offset:04X} leaves the personal file")
    return bytes([0x80, 0xB0, offset >> 8, offset & 0xFF, 0x02, 0x00, length])


def photo_chunks() -> list[tuple[int, int]]:
    """(offset, length) of the photo chunks: 255 bytes each, the last one shorter."""
    chunks = []
    for start in range(0, PHOTO_LENGTH, MAX_READ):
        chunks.append((PHOTO_OFFSET + start, min(MAX_READ, PHOTO_LENGTH - start)))
    return chunks

"""The chip photo: where the JPEG ends, and whether it is a plausible card photo.

The end of the JPEG is found by walking its structure (marker segments by their lengths, then the
entropy-coded data, where `FF 00` and `FF D0`..`FF D7` are not markers), never by searching for
the first `FF D9`: those two bytes may sit inside a segment (a comment, an EXIF thumbnail). The
photo is then decoded (Pillow) and must be a JPEG of the size a Thai ID card holds (148×178
baseline JFIF on the cards seen; a little latitude is allowed, see `PLAUSIBLE_*`).
"""

from __future__ import annotations

import io

from drivers.card.errors import InvalidCardData

SOI, EOI, SOS = 0xD8, 0xD9, 0xDA
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length
PLAUSIBLE_WIDTH = range(100, 301)  # pixels; real card photos are 148 wide
PLAUSIBLE_HEIGHT = range(120, 361)  # pixels; real card photos are 178 high
MIN_BYTES = 600  # a decodable 148×178 face at the lowest quality is larger than this


def end_of_jpeg(data: bytes | bytearray) -> int | None:
    """Length of the JPEG at the start of `data` (through its EOI marker), None when `data` holds
    only the beginning of one. Raises InvalidCardData when `data` is not a JPEG."""
    n = len(data)
    if n >= 2 and (data[0], data[1]) != (0xFF, SOI):
        raise InvalidCardData("photo", "not a JPEG (no start marker)")
    i = 2
    in_scan = False
    while True:
        if in_scan:
            i = data.find(b"\xff", i)
            if i < 0 or i + 1 >= n:
                return None
            marker = data[i + 1]
            if marker == 0x00 or marker in _STANDALONE or marker == 0xFF:
                i += 1 if marker == 0xFF else 2
                continue
            in_scan = False
        if i + 1 >= n:
            return None
        if data[i] != 0xFF:
            raise InvalidCardData("photo", f"JPEG structure broken at byte {i}")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte before a marker
            i += 1
            continue
        if marker == EOI:
            return i + 2
        if marker == SOI:
            raise InvalidCardData("photo", f"JPEG structure broken at byte {i}")
        if marker in _STANDALONE:
            i += 2
            continue
        if i + 3 >= n:
            return None
        length = (data[i + 2] << 8) | data[i + 3]
        if length < 2:
            raise InvalidCardData("photo", f"JPEG segment of length {length} at byte {i}")
        i += 2 + length
        if marker == SOS:
            in_scan = True


def check_photo(jpeg: bytes) -> None:
    """Raise InvalidCardData unless `jpeg` decodes as a card-sized JPEG."""
    from PIL import Image, UnidentifiedImageError  # only a read pays for Pillow

    if len(jpeg) < MIN_BYTES:
        raise InvalidCardData("photo", f"{len(jpeg)} bytes is too small for a card photo")
    try:
        with Image.open(io.BytesIO(jpeg), formats=["JPEG"]) as image:
            size = image.size
            image.load()  # the whole decode: truncated or corrupt scan data fails here
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise InvalidCardData("photo", f"does not decode as a JPEG ({type(e).__name__})") from None
    width, height = size
    if width not in PLAUSIBLE_WIDTH or height not in PLAUSIBLE_HEIGHT:
        raise InvalidCardData("photo", f"{width}x{height} pixels is not the size of a card photo")

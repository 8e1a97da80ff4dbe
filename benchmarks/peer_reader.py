"""A field-by-field Thai ID reader in the style of the public Python readers, for the whole-process
comparison of `benchmarks/card_read.py`: pyscard's high-level API (`smartcard.System.readers()`,
`createConnection().connect()`), SELECT, one READ + GET RESPONSE per field (11 fields), the photo
as 20 chunks of 255 bytes, TIS-620 text decoded, the JPEG cut at its end marker. No checks beyond
that (its authors' choice, not the kiosk's).

    .venv/bin/python benchmarks/peer_reader.py "Virtual PCD 00 00"
"""

from __future__ import annotations

import sys

from smartcard.System import readers

SELECT = [0x00, 0xA4, 0x04, 0x00, 0x08, 0xA0, 0x00, 0x00, 0x00, 0x54, 0x48, 0x00, 0x01]
FIELDS = [(0x0004, 13), (0x0011, 100), (0x0075, 100), (0x00D9, 8), (0x00E1, 1), (0x00E2, 20),
          (0x00F6, 100), (0x0167, 8), (0x016F, 8), (0x1579, 160), (0x1619, 14)]


def main() -> int:
    wanted = sys.argv[1] if len(sys.argv) > 1 else ""
    reader = next(r for r in readers() if wanted in str(r))
    connection = reader.createConnection()
    connection.connect()
    atr = connection.getATR()
    p2 = 0x01 if atr[:2] == [0x3B, 0x67] else 0x00
    connection.transmit(SELECT)

    def read(offset: int, length: int) -> bytes:
        connection.transmit([0x80, 0xB0, offset >> 8, offset & 0xFF, 0x02, 0x00, length])
        data, sw1, sw2 = connection.transmit([0x00, 0xC0, 0x00, p2, length])
        if (sw1, sw2) != (0x90, 0x00):
            raise SystemExit(f"card answered {sw1:02X} {sw2:02X}")
        return bytes(data)

    text = [read(o, n).decode("tis-620", errors="replace").strip() for o, n in FIELDS]
    photo = b"".join(read(0x017B + 255 * i, 255) for i in range(20))
    photo = photo[: photo.find(b"\xff\xd9") + 2]
    connection.disconnect()
    print(len(text), len(photo))
    return 0


if __name__ == "__main__":
    sys.exit(main())

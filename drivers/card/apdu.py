"""The single transmit helper every command to the card goes through.

`CardChannel.exchange()` sends one command APDU and follows the card's status words:
`61 xx` → GET RESPONSE with Le = xx (P2 chosen by the ATR: `01` for `3B 67` cards, `00` for the
other known ATRs; for unknown ATRs `00` first, then `01` when the card rejects P2, remembered),
`6C xx` → the same command again with Le = xx — only a command that has an Le (ISO 7816-4 case 2
or 4: GET RESPONSE, GET DATA) may be re-sent so; on any other command (a SELECT, whose last byte is
the applet id; this card's READ, whose length is in its data) `6C xx` is an `UnexpectedStatus` —,
`90 00` (with or without data) → done; any other status word raises `UnexpectedStatus`. A response shorter than asked is an error, never accepted.

It refuses, before anything reaches the card, every instruction that is not on the read-only
allow-list — PIN VERIFY (`20`), CHANGE REFERENCE DATA (`24`), RESET RETRY COUNTER (`2C`) and all
writes (`D6`, `D0`, `D2`, `DC`, `E2`, `DA`, `DB`, `0E`, …) — whatever calls it: wrong PIN tries
count down the card's PIN counter, and the kiosk never writes.
"""

from __future__ import annotations

from typing import Protocol

from drivers.card.errors import CardError, RefusedCommand, UnexpectedStatus

# Known ATR prefixes of the Thai ID card and the P2 their GET RESPONSE wants.
KNOWN_ATR_P2: dict[bytes, int] = {
    bytes([0x3B, 0x67]): 0x01,
    bytes([0x3B, 0x68]): 0x00,
    bytes([0x3B, 0x78]): 0x00,
    bytes([0x3B, 0x79]): 0x00,
}

# (CLA, INS) the kiosk may send: SELECT, READ (personal file), GET RESPONSE, laser id, GET DATA.
ALLOWED: frozenset[tuple[int, int]] = frozenset(
    {(0x00, 0xA4), (0x80, 0xB0), (0x00, 0xC0), (0x80, 0x00), (0x80, 0xCA)}
)
# Named in the refusal so that a technician sees what was attempted.
REFUSED_NAMES: dict[int, str] = {
    0x20: "VERIFY PIN",
    0x24: "CHANGE REFERENCE DATA",
    0x2C: "RESET RETRY COUNTER",
    0xD6: "UPDATE BINARY",
    0xD0: "WRITE BINARY",
    0xD2: "WRITE RECORD",
    0xDC: "UPDATE RECORD",
    0xE2: "APPEND RECORD",
    0xDA: "PUT DATA",
    0xDB: "PUT DATA",
    0x0E: "ERASE BINARY",
    0x0F: "ERASE BINARY",
    0xE0: "CREATE FILE",
    0xE4: "DELETE FILE",
    0xE6: "TERMINATE DF",
    0xE8: "TERMINATE CARD",
    0x44: "ACTIVATE FILE",
    0x04: "DEACTIVATE FILE",
}
_WRONG_P1P2 = {0x6A86, 0x6B00}
_MAX_FOLLOW = 16  # bound on 61xx / 6Cxx chains: a card that loops is a fault, not a hang


def get_response_p2(atr: bytes) -> int | None:
    """P2 of GET RESPONSE for this ATR, or None when the ATR is unknown (probe at first use)."""
    return KNOWN_ATR_P2.get(bytes(atr[:2]))


class Transport(Protocol):
    """Sends one raw command APDU, returns data + SW1 SW2. Raises CardRemoved/ReaderFault."""

    def transmit(self, command: bytes) -> bytes: ...


class CardChannel:
    """Counts what it sends: `apdu_count` (command APDUs), `bytes_sent`, `bytes_received`."""

    def __init__(self, transport: Transport, atr: bytes) -> None:
        self._transport = transport
        self._p2 = get_response_p2(atr)
        self.apdu_count = 0
        self.bytes_sent = 0
        self.bytes_received = 0

    def exchange(self, command: bytes, *, fetch: bool = True, expect: int | None = None) -> bytes:
        """Send `command`; return the response data. `fetch=False` accepts `61 xx` without
        fetching the response (a SELECT whose file control information is not needed).
        `expect` = the exact number of data bytes the answer must have."""
        ins = command[1] if len(command) > 1 else -1
        data, sw = self._send(command)
        collected = bytearray()
        last = command
        for _ in range(_MAX_FOLLOW):
            sw1, sw2 = sw >> 8, sw & 0xFF
            if sw == 0x9000:
                collected += data
                break
            if sw1 == 0x61:
                collected += data
                if not fetch:
                    break
                last, (data, sw) = self._get_response(sw2 or 256)
                continue
            if sw1 == 0x6C:  # wrong Le: the card names the right one; send the same command again
                if not has_le(last):
                    raise UnexpectedStatus(last[1], sw, f"INS {last[1]:02X} (6C xx to a command without Le)")
                last = last[:-1] + bytes([sw2])
                data, sw = self._send(last)
                continue
            raise UnexpectedStatus(ins, sw)
        else:
            raise UnexpectedStatus(ins, sw, f"INS {ins:02X} (status chain too long)")
        if expect is not None and len(collected) != expect:
            raise CardError(f"card answered {len(collected)} bytes to INS {ins:02X}, {expect} asked")
        return bytes(collected)

    def _get_response(self, le: int) -> tuple[bytes, tuple[bytes, int]]:
        p2 = 0x00 if self._p2 is None else self._p2
        cmd = bytes([0x00, 0xC0, 0x00, p2, le & 0xFF])
        data, sw = self._send(cmd)
        if self._p2 is None:
            if sw in _WRONG_P1P2:  # unknown ATR that wants the old card's P2
                cmd = bytes([0x00, 0xC0, 0x00, 0x01, le & 0xFF])
                data, sw = self._send(cmd)
                if sw not in _WRONG_P1P2:
                    self._p2 = 0x01
            else:
                self._p2 = 0x00
        return cmd, (data, sw)

    def _send(self, command: bytes) -> tuple[bytes, int]:
        check_allowed(command)
        self.apdu_count += 1
        self.bytes_sent += len(command)
        response = self._transport.transmit(command)
        self.bytes_received += len(response)
        if len(response) < 2:
            raise CardError(f"card answered {len(response)} bytes to INS {command[1]:02X} (no status word)")
        return response[:-2], (response[-2] << 8) | response[-1]


def has_le(command: bytes) -> bool:
    """Whether the command's last byte is an Le (ISO 7816-4 short cases 2 and 4): 5 bytes
    `CLA INS P1 P2 Le`, or `CLA INS P1 P2 Lc <Lc bytes> Le`."""
    if len(command) == 5:
        return True
    return len(command) > 5 and command[4] != 0 and len(command) == 6 + command[4]


def check_allowed(command: bytes) -> None:
    """Raise RefusedCommand unless `command` is a read-only command of this card."""
    if len(command) < 4:
        raise RefusedCommand(f"malformed command APDU of {len(command)} bytes refused")
    cla, ins = command[0], command[1]
    if (cla, ins) in ALLOWED:
        return
    name = REFUSED_NAMES.get(ins, "instruction")
    raise RefusedCommand(f"refused to send {name} (CLA {cla:02X} INS {ins:02X}): the kiosk only reads the card")

"""The chip of a Thai national ID card, emulated APDU by APDU (shared by the in-process simulated
reader and the virtual card for pcscd's vpcd driver).

As strict as a real chip: wrong CLA `6E 00`, unknown INS `6D 00`, wrong P1/P2 `6A 86`, wrong
Lc `67 00`, reads past the end of the file `6B 00`, GET RESPONSE with no pending answer `69 85`,
GET RESPONSE with a wrong Le `6C xx`, unknown applet `6A 82`, READ with no applet selected
`69 86`. PIN VERIFY counts the PIN tries down (`63 Cx`, then `69 83`), so a test can prove that
nothing ever sent one. Every command received is kept in `commands`.

It can also misbehave like the broken and hostile cards met in the field (`Misbehaviour`): a
SELECT answered with any status word (`6C xx` included), bytes that come back wrong once (a bad
contact) and a chip that goes mute at the n-th command: `process()` then returns None and the
transport stays silent, as a real mute card does, until the chip is reset or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from drivers.card.layout import FILE_SIZE, LASER_AID, PERSONAL_AID

OK = b"\x90\x00"


def sw(value: int) -> bytes:
    return bytes([value >> 8, value & 0xFF])


@dataclass
class ChipData:
    atr: bytes
    image: bytes  # the 5,950-byte personal file
    get_response_p2: int = 0x00
    personal_applet: bool = True
    chip_id: bytes | None = None  # 8 bytes, answered inside the CPLC data
    laser_id: str | None = None


@dataclass
class Misbehaviour:
    """What a broken or hostile chip does (all off by default)."""

    select_sw: int | None = None
    """SELECT of the personal applet answers this status word (e.g. 0x6C83, 0x6F00)."""
    glitches: dict[int, list[int | None]] = field(default_factory=dict)
    """File offset -> what the next READs covering it answer there, one item per READ (None: the
    true byte); once the list is used up the chip answers true bytes again (a one-time glitch)."""
    mute_at: int | None = None
    """From this command on (1 = the first after power-up), the chip answers nothing until reset."""


@dataclass
class Chip:
    data: ChipData
    pin_tries_left: int = 3
    commands: list[bytes] = field(default_factory=list)
    misbehaviour: Misbehaviour = field(default_factory=Misbehaviour)
    _selected: str | None = None
    _pending: bytes | None = None
    _since_reset: int = 0

    @property
    def mute(self) -> bool:
        m = self.misbehaviour.mute_at
        return m is not None and self._since_reset >= m

    def reset(self) -> None:
        """Power cycle / warm reset: the selection and any pending answer are lost; a mute chip
        answers again (until its `mute_at`-th command after the reset)."""
        self._selected = None
        self._pending = None
        self._since_reset = 0

    def process(self, apdu: bytes) -> bytes | None:
        """The chip's answer to one command APDU; None when it stays silent (mute)."""
        self.commands.append(bytes(apdu))
        self._since_reset += 1
        if self.mute:
            return None
        if len(apdu) < 4:
            return sw(0x6700)
        cla, ins, p1, p2 = apdu[:4]
        body = apdu[4:]
        if ins == 0xC0:
            return self._get_response(cla, p1, p2, body)
        self._pending = None  # any other command discards an answer not fetched
        if ins == 0x20:
            return self._verify()
        if cla == 0x00 and ins == 0xA4:
            return self._select(p1, p2, body)
        if cla == 0x80 and ins == 0xB0:
            return self._read(p1, p2, body)
        if cla == 0x80 and ins == 0x00:
            return self._laser(p1, p2, body)
        if cla == 0x80 and ins == 0xCA:
            return self._cplc(p1, p2, body)
        if cla not in (0x00, 0x80):
            return sw(0x6E00)
        return sw(0x6D00)

    def _answer(self, data: bytes) -> bytes:
        self._pending = data
        return sw(0x6100 | (len(data) & 0xFF))

    def _select(self, p1: int, p2: int, body: bytes) -> bytes:
        if p1 != 0x04 or p2 != 0x00:
            return sw(0x6A86)
        if not body:
            return sw(0x6700)
        lc, aid = body[0], body[1:]
        if lc != len(aid):
            return sw(0x6700)
        if aid == PERSONAL_AID and self.misbehaviour.select_sw is not None:
            return sw(self.misbehaviour.select_sw)
        if not aid:  # the card manager, where the CPLC data lives
            self._selected = "manager"
            return self._answer(bytes.fromhex("6F108408A000000003000000A5049F6501FF"))
        if aid == PERSONAL_AID and self.data.personal_applet:
            self._selected = "personal"
            return self._answer(bytes.fromhex("6F088406A00000005448"))
        if aid == LASER_AID and self.data.personal_applet and self.data.laser_id is not None:
            self._selected = "laser"
            return self._answer(bytes(10))
        return sw(0x6A82)

    def _read(self, p1: int, p2: int, body: bytes) -> bytes:
        if self._selected != "personal":
            return sw(0x6986)
        if len(body) != 3 or body[0] != 2 or body[1] != 0:
            return sw(0x6700)
        offset, length = (p1 << 8) | p2, body[2]
        if length == 0:
            return sw(0x6700)
        if offset + length > FILE_SIZE:
            return sw(0x6B00)
        data = bytearray(self.data.image[offset : offset + length])
        for at, plan in self.misbehaviour.glitches.items():
            if offset <= at < offset + length and plan:
                value = plan.pop(0)
                if value is not None:
                    data[at - offset] = value
        return self._answer(bytes(data))

    def _get_response(self, cla: int, p1: int, p2: int, body: bytes) -> bytes:
        if cla != 0x00:
            return sw(0x6E00)
        if p1 != 0x00 or p2 != self.data.get_response_p2:
            return sw(0x6A86)
        if len(body) != 1:
            return sw(0x6700)
        pending = self._pending
        if pending is None:
            return sw(0x6985)
        le = body[0] or 256
        if le != len(pending):
            return sw(0x6C00 | (len(pending) & 0xFF))
        self._pending = None
        return pending + OK

    def _laser(self, p1: int, p2: int, body: bytes) -> bytes:
        if self._selected != "laser" or self.data.laser_id is None:
            return sw(0x6985)
        if p1 or p2:
            return sw(0x6A86)
        if body != b"\x07":
            return sw(0x6700)
        return self._answer(self.data.laser_id.encode("ascii").ljust(16, b"\x00")[:16])

    def _cplc(self, p1: int, p2: int, body: bytes) -> bytes:
        if self._selected != "manager" or self.data.chip_id is None:
            return sw(0x6A88)
        if (p1, p2) != (0x9F, 0x7F):
            return sw(0x6A88)
        if len(body) != 1:
            return sw(0x6700)
        cplc = bytearray(b"\x9f\x7f\x2a" + bytes(42))
        cplc[13:21] = self.data.chip_id
        if body[0] != len(cplc):
            return sw(0x6C00 | len(cplc))
        return bytes(cplc) + OK

    def _verify(self) -> bytes:
        if self.pin_tries_left == 0:
            return sw(0x6983)
        self.pin_tries_left -= 1  # a real card counts every wrong try
        return sw(0x63C0 | self.pin_tries_left)

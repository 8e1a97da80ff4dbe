"""Streaming ESC/POS decoder of the virtual printer: bytes in, whole commands out.

Only whole commands are returned; an incomplete one waits for more bytes, as in a printer's
receive buffer. Commands are dicts ready for JSON, e.g. `{"cmd": "raster", "width": 576,
"height": 96, "bits": b"..."}` (the `bits` key is dropped before JSON).
"""

from __future__ import annotations

from typing import Any

Command = dict[str, Any]

ESC, GS, DLE, LF = 0x1B, 0x1D, 0x10, 0x0A
# ESC commands with one parameter byte that the paper image does not need to honour.
_ESC_ONE_PARAM = {ord(c): name for c, name in {
    "!": "print_mode", "E": "emphasis", "-": "underline", "M": "font", "t": "codepage",
    "3": "line_spacing", "G": "double_strike", "{": "upside_down", "R": "charset", "V": "rotate",
}.items()}
_GS_ONE_PARAM = {ord("!"): "char_size", ord("B"): "reverse"}


class Decoder:
    def __init__(self) -> None:
        self._buf = bytearray()
        self._text = bytearray()

    def feed(self, data: bytes) -> list[Command]:
        self._buf += data
        out: list[Command] = []
        while self._buf:
            taken = self._one(out)
            if taken == 0:
                break
            del self._buf[:taken]
        return out

    def _flush_text(self, out: list[Command]) -> None:
        if self._text:
            out.append({"cmd": "text", "text": self._text.decode("cp874", errors="replace")})
            self._text.clear()

    def _one(self, out: list[Command]) -> int:  # noqa: C901 - one table of ESC/POS commands
        b = self._buf
        c = b[0]
        if c == LF:
            self._flush_text(out)
            out.append({"cmd": "newline"})
            return 1
        if c >= 0x20 or c == 0x09:
            self._text.append(c)
            return 1
        if c not in (ESC, GS, DLE):
            out.append({"cmd": "unknown", "byte": c})
            return 1
        if len(b) < 2:
            return 0
        self._flush_text(out)
        op = b[1]
        if c == DLE:
            if op != 0x04:
                out.append({"cmd": "unknown", "byte": c})
                return 1
            if len(b) < 3:
                return 0
            out.append({"cmd": "status", "n": b[2]})
            return 3
        if c == ESC:
            if op == ord("@"):
                out.append({"cmd": "init"})
                return 2
            if op in (ord("2"),):
                out.append({"cmd": "line_spacing_default"})
                return 2
            if len(b) < 3:
                return 0
            if op == ord("a"):
                out.append({"cmd": "align", "align": ("left", "center", "right")[b[2] % 48 % 3]})
                return 3
            if op == ord("d"):
                out.append({"cmd": "feed", "lines": b[2]})
                return 3
            if op == ord("J"):
                out.append({"cmd": "feed_dots", "dots": b[2]})
                return 3
            if op in _ESC_ONE_PARAM:
                out.append({"cmd": _ESC_ONE_PARAM[op], "value": b[2]})
                return 3
            out.append({"cmd": "unknown", "byte": c, "op": op})
            return 2
        # GS
        if op == ord("V"):
            if len(b) < 3:
                return 0
            mode = b[2]
            if mode in (65, 66):
                if len(b) < 4:
                    return 0
                out.append({"cmd": "cut", "mode": "full" if mode == 65 else "partial", "feed": b[3]})
                return 4
            out.append({"cmd": "cut", "mode": "full" if mode in (0, 48) else "partial"})
            return 3
        if op == ord("v"):
            if len(b) < 8:
                return 0
            width_bytes = b[4] | b[5] << 8
            height = b[6] | b[7] << 8
            end = 8 + width_bytes * height
            if len(b) < end:
                return 0
            out.append({"cmd": "raster", "width": width_bytes * 8, "height": height, "bits": bytes(b[8:end])})
            return end
        if op in (ord("("),):
            if len(b) < 5:
                return 0
            fn_class = b[2]
            length = b[3] | b[4] << 8
            end = 5 + length
            if len(b) < end:
                return 0
            body = bytes(b[5:end])
            if fn_class == ord("k"):
                out.append(_two_d_code(body))
            else:
                out.append({"cmd": "unknown", "byte": c, "op": op, "class": fn_class, "length": length})
            return end
        if len(b) < 3:
            return 0
        if op in _GS_ONE_PARAM:
            out.append({"cmd": _GS_ONE_PARAM[op], "value": b[2]})
            return 3
        out.append({"cmd": "unknown", "byte": c, "op": op})
        return 2


def _two_d_code(body: bytes) -> Command:
    """`GS ( k` with cn=49 (QR): model, module size, error level, store, print."""
    if len(body) < 2 or body[0] != ord("1"):
        return {"cmd": "unknown", "byte": GS, "op": ord("("), "class": ord("k")}
    fn = body[1]
    if fn == 65:
        return {"cmd": "qr_model", "model": body[2] - 48 if len(body) > 2 else None}
    if fn == 67:
        return {"cmd": "qr_size", "size": body[2] if len(body) > 2 else 3}
    if fn == 69:
        return {"cmd": "qr_ec", "ec": "LMQH"[(body[2] - 48) % 4] if len(body) > 2 else "L"}
    if fn == 80:
        return {"cmd": "qr_store", "data": body[3:].decode("utf-8", errors="replace")}
    if fn == 81:
        return {"cmd": "qr_print"}
    return {"cmd": "qr_other", "fn": fn}

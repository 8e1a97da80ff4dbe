"""Errors of the card driver: one small typed hierarchy, raised by every back end.

    CardError
    ├── NoReader          no PC/SC reader (or none matching the configured name)
    ├── NoCard            the reader holds no card
    ├── CardRemoved       the card left the reader (or was reset) before the read finished
    ├── NotThaiIdCard     the card does not hold the Thai ID personal applet
    ├── InvalidCardData   a field read from the chip is not valid (`field` names it)
    ├── ReaderFault       pcscd unreachable or stopped, reader unplugged, transport failure:
    │                     the kiosk's fault, never the citizen's
    ├── MuteCard          the card does not answer (at power-up, or within an exchange's deadline)
    ├── UnexpectedStatus  the card answered a status word the protocol does not allow (`sw`)
    └── RefusedCommand    the transmit helper refused to send a PIN or write instruction

Messages name the cause for a technician and never contain personal data.
"""

from __future__ import annotations


class CardError(Exception):
    """Base of every card driver error."""


class NoReader(CardError):
    pass


class NoCard(CardError):
    pass


class CardRemoved(CardError):
    pass


class NotThaiIdCard(CardError):
    pass


class InvalidCardData(CardError):
    """A field of the chip is malformed; `field` is its name (never its value)."""

    def __init__(self, field: str, detail: str = "") -> None:
        self.field = field
        self.detail = detail
        super().__init__(f"invalid card data in field {field}" + (f": {detail}" if detail else ""))


class ReaderFault(CardError):
    pass


class MuteCard(CardError):
    """The card does not answer: at power-up, or a command got no answer before its deadline
    (the card was then reset and the read abandoned). The card's fault (or its position), not the
    kiosk's."""


class UnexpectedStatus(CardError):
    """The card answered status word `sw` (e.g. 0x6A82) to instruction `ins`."""

    def __init__(self, ins: int, sw: int, what: str = "") -> None:
        self.ins = ins
        self.sw = sw
        label = what or f"INS {ins:02X}"
        super().__init__(f"card answered {sw >> 8:02X} {sw & 0xFF:02X} to {label}")


class RefusedCommand(CardError):
    """A PIN or write instruction was about to be sent: refused before it reached the card."""

"""PC/SC result codes (pyscard's `smartcard.scard`) sorted by what they mean for the kiosk, and
their translation into `drivers.card.errors` — one table, read the same way everywhere.

A card that left is the citizen's doing (`CardRemoved`); pcscd gone or dying (`SCARD_F_COMM_ERROR`
0x80100013, `SCARD_E_NO_SERVICE`, `SCARD_E_SERVICE_STOPPED`), a lost handle, an unplugged reader
or any other failure is the kiosk's (`ReaderFault`), never reported as a removal.
"""

from __future__ import annotations

from smartcard import scard

from drivers.card.errors import CardError, CardRemoved, ReaderFault


def code(name: str) -> int:
    return int(getattr(scard, name)) & 0xFFFFFFFF


SUCCESS = code("SCARD_S_SUCCESS")
TIMEOUT = code("SCARD_E_TIMEOUT")
CANCELLED = code("SCARD_E_CANCELLED")
INVALID_HANDLE = code("SCARD_E_INVALID_HANDLE")
UNRESPONSIVE = code("SCARD_W_UNRESPONSIVE_CARD")
# the daemon is gone or the link to it broke: the context must be established again
SERVICE_GONE = {code("SCARD_E_NO_SERVICE"), code("SCARD_E_SERVICE_STOPPED"), code("SCARD_F_COMM_ERROR")}
STALE_CONTEXT = SERVICE_GONE | {INVALID_HANDLE}
NO_READERS = {code("SCARD_E_NO_READERS_AVAILABLE")}
UNKNOWN_READER = {code("SCARD_E_UNKNOWN_READER"), code("SCARD_E_READER_UNAVAILABLE")}
CARD_GONE = {code("SCARD_W_REMOVED_CARD"), code("SCARD_W_RESET_CARD"), code("SCARD_E_NO_SMARTCARD"),
             code("SCARD_W_UNPOWERED_CARD")}
# worth retrying for a while right after insertion
SETTLING = CARD_GONE | {UNRESPONSIVE, code("SCARD_E_SHARING_VIOLATION"), code("SCARD_E_NOT_READY")}
STATE_PRESENT = int(scard.SCARD_STATE_PRESENT)
STATE_MUTE = int(scard.SCARD_STATE_MUTE)
STATE_UNKNOWN = int(scard.SCARD_STATE_UNKNOWN)
STATE_UNAVAILABLE = int(scard.SCARD_STATE_UNAVAILABLE)
STATE_CHANGED = int(scard.SCARD_STATE_CHANGED)
SCARD_PRESENT = 0x0004  # SCardStatus card state bit (pcsc-lite), not exported by pyscard


def describe(hresult: int) -> str:
    value = hresult & 0xFFFFFFFF
    try:
        text = str(scard.SCardGetErrorMessage(hresult)).strip().rstrip(".")
    except Exception:  # pyscard cannot name it: the code is enough
        text = "PC/SC error"
    return f"{text} (0x{value:08X})"


def transmit_error(hresult: int, what: str) -> CardError:
    """The error of a failed call on a card handle, by its code alone."""
    value = hresult & 0xFFFFFFFF
    if value in CARD_GONE:
        return CardRemoved(f"card removed during the read ({describe(hresult)})")
    if value in UNKNOWN_READER:
        return ReaderFault(f"card reader unplugged during the read ({describe(hresult)})")
    if value in SERVICE_GONE:
        return ReaderFault(f"pcscd stopped during the read ({describe(hresult)})")
    if value == INVALID_HANDLE:
        return ReaderFault(f"the card connection was lost (pcscd restarted?) ({describe(hresult)})")
    return ReaderFault(f"{what} failed: {describe(hresult)}")

"""Is the PC/SC daemon reachable? (A PC/SC context can be established.)"""

from __future__ import annotations


def probe() -> tuple[bool, str]:
    """(reachable, detail). Never raises."""
    try:
        from smartcard import scard
    except ImportError as e:  # pyscard missing or libpcsclite not loadable
        return False, f"pyscard cannot load libpcsclite ({e})"
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return False, (
            f"pcscd is not reachable ({scard.SCardGetErrorMessage(hresult).strip()}, 0x{hresult & 0xFFFFFFFF:08X}): "
            "start it with `systemctl start pcscd.socket`"
        )
    try:
        hresult, readers = scard.SCardListReaders(context, [])
        if hresult == scard.SCARD_S_SUCCESS:
            return True, f"pcscd reachable, {len(readers)} reader(s)"
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
            return True, "pcscd reachable, no reader connected"
        return True, f"pcscd reachable ({scard.SCardGetErrorMessage(hresult).strip()})"
    finally:
        scard.SCardReleaseContext(context)

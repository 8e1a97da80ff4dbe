"""Errors of the receipt printer driver.

`PrinterError` > `PrinterOffline` (not connected, unplugged, switched off or reporting offline),
`PaperOut`, `CoverOpen`, `PrinterTimeout` (a write or status read took longer than allowed).
Every foreign exception (pyserial, socket, pyusb, OSError) is translated into one of these at the
transport boundary; the message names the device, never receipt content.
"""

from __future__ import annotations


class PrinterError(Exception):
    """The receipt could not be printed; `state` is the printer state word at the time."""

    state: str = "unknown"


class PrinterOffline(PrinterError):
    state = "offline"


class PaperOut(PrinterError):
    state = "paper_out"


class CoverOpen(PrinterError):
    state = "cover_open"


class PrinterTimeout(PrinterError):
    state = "unknown"

"""An ESC/POS printer over any `Transport`: status, printing, reconnecting.

The connection opens lazily and is closed explicitly (`close()` or the context manager; never
in `__del__`). Any transport failure closes it, so the next call reopens: a printer that was
power-cycled or re-plugged works again without a restart. "Unavailable" and "back" are each
logged once.
"""

from __future__ import annotations

import logging
import time
from types import TracebackType

from PIL import Image

from drivers.printer import job as job_mod
from drivers.printer import status as st
from drivers.printer.errors import CoverOpen, PaperOut, PrinterError, PrinterOffline, PrinterTimeout
from drivers.printer.transport import Transport

log = logging.getLogger("kiosk.printer")


def raise_for(status: st.PrinterStatus, where: str) -> None:
    """Raise the error matching a state that cannot print (`unknown` may print)."""
    state = status.state
    if state == "paper_out":
        raise PaperOut(f"{where}: paper out")
    if state == "cover_open":
        raise CoverOpen(f"{where}: cover open")
    if state == "offline":
        raise PrinterOffline(f"{where}: printer reports offline")


class EscposPrinter:
    def __init__(self, transport: Transport, *, width_dots: int = 576, paper_speed_mm_s: float = 130.0) -> None:
        self.transport = transport
        self.width_dots = width_dots
        self.paper_speed_mm_s = paper_speed_mm_s
        self._open = False
        self._was_down = False
        self.bytes_sent = 0

    def __enter__(self) -> EscposPrinter:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._open:
            self._open = False
            self.transport.close()

    def _connect(self) -> None:
        if not self._open:
            self.transport.open()
            self._open = True

    def _failed(self, e: PrinterError) -> None:
        self.close()  # reopen on the next call: the device may come back under the same path
        if not self._was_down:
            log.warning("printer unavailable: %s", e)
            self._was_down = True

    def _query(self, query: bytes) -> bytes:
        self.transport.discard_input()
        self.transport.write(query)
        return self.transport.read(1)

    def _status(self) -> st.PrinterStatus:
        if not self.transport.can_read:
            return st.UNKNOWN
        first = self._query(st.QUERY_PRINTER)
        if not first:
            return st.UNKNOWN  # nothing answered: unknown, never "ok"
        return st.parse(first, self._query(st.QUERY_OFFLINE_CAUSE), self._query(st.QUERY_PAPER))

    def status(self) -> st.PrinterStatus:
        """Online, paper and cover from `DLE EOT 1/2/4`; offline when the device is missing."""
        try:
            self._connect()
            result = self._status()
        except PrinterOffline as e:
            self._failed(e)
            return st.OFFLINE
        except PrinterError as e:
            self._failed(e)
            return st.UNKNOWN
        if self._was_down and result.online:
            log.info("printer back: %s", self.transport.name)
            self._was_down = False
        return result

    def print_receipt(self, raster: Image.Image, qr_text: str | None, native_qr: bool,
                      *, footer: Image.Image | None = None) -> None:
        """Print and cut one receipt; raises a `PrinterError` when it did not come out whole."""
        job = job_mod.build(raster, qr_text, native_qr=native_qr, width_dots=self.width_dots, footer=footer)
        where = self.transport.name
        try:
            self._connect()
            before = self._status()
            raise_for(before, where)
            # A printer that does not answer status costs a timeout per query: ask again only
            # when it answered before the job.
            answers = before.online is not None
            for block in job.blocks:
                self.transport.write(block)
                self.bytes_sent += len(block)
                if answers:
                    # Between whole commands only: DLE EOT bytes may occur inside raster data.
                    raise_for(self._status(), where)
            if answers:
                self._watch_until_printed(job.paper_dots, where)
        except PrinterError as e:
            if isinstance(e, PrinterOffline | PrinterTimeout):
                self._failed(e)
            raise

    def _watch_until_printed(self, paper_dots: int, where: str) -> None:
        """The data sits in the printer's buffer before it is on paper: keep watching the status
        for as long as the paper needs to come out, so a roll that ends there is still noticed."""
        deadline = time.monotonic() + paper_dots / 8 / self.paper_speed_mm_s
        while time.monotonic() < deadline:
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
            raise_for(self._status(), where)

"""Byte pipes to a printer, each with a timeout on every write and read.

`Transport`: `open()`, `close()`, `write(data)`, `read(n) -> bytes` (b"" when nothing came
within the timeout), `discard_input()`, `can_read`, `name`. Errors are translated here:
a missing or vanished device -> `PrinterOffline`; a write that does not finish in time ->
`PrinterTimeout`. Implementations: serial (pyserial), network (TCP socket), file (a device
node such as /dev/usb/lp0, non-blocking with select), usb (python-escpos over pyusb), and
loopback (an in-process `PrinterEngine`, for the simulated printer).
"""

from __future__ import annotations

import os
import select
import socket
import termios
import time
from typing import Any, Protocol

import serial

from drivers.printer.errors import PrinterOffline, PrinterTimeout
from drivers.printer.virtual.engine import PrinterEngine


class Transport(Protocol):
    name: str
    can_read: bool

    def open(self) -> None: ...
    def close(self) -> None: ...
    def write(self, data: bytes) -> None: ...
    def read(self, n: int) -> bytes: ...
    def discard_input(self) -> None: ...


# pyserial lets termios.error (not an OSError) through from tcflush on a vanished tty.
_SERIAL_ERRORS = (serial.SerialException, OSError, termios.error)


class SerialTransport:
    can_read = True

    def __init__(self, port: str, baudrate: int, timeout_s: float) -> None:
        self.name = f"serial {port}"
        self._port, self._baud, self._timeout = port, baudrate, timeout_s
        self._dev: serial.Serial | None = None

    def open(self) -> None:
        try:
            self._dev = serial.Serial(self._port, self._baud, timeout=self._timeout,
                                      write_timeout=self._timeout, exclusive=True)
        except (*_SERIAL_ERRORS, ValueError) as e:
            raise PrinterOffline(f"{self.name}: cannot open ({_cause(e)})") from e

    def close(self) -> None:
        dev, self._dev = self._dev, None
        if dev is None:
            return
        try:
            dev.reset_output_buffer()  # close() would otherwise wait for a stuck line to drain
        except (*_SERIAL_ERRORS, ValueError):
            pass  # the device is already gone: nothing left to drain
        try:
            dev.close()
        except _SERIAL_ERRORS:
            pass  # closing a vanished device fails; the descriptor is released either way

    def _device(self) -> serial.Serial:
        if self._dev is None:
            raise PrinterOffline(f"{self.name}: not open")
        return self._dev

    def write(self, data: bytes) -> None:
        dev = self._device()
        # The line needs 10 bits a byte: a big band at 9600 baud takes seconds by itself.
        dev.write_timeout = self._timeout + len(data) * 10 / self._baud
        try:
            dev.write(data)
        except serial.SerialTimeoutException as e:
            raise PrinterTimeout(f"{self.name}: write of {len(data)} bytes timed out") from e
        except _SERIAL_ERRORS as e:
            raise PrinterOffline(f"{self.name}: write failed ({_cause(e)})") from e

    def read(self, n: int) -> bytes:
        try:
            data: bytes = self._device().read(n)
        except _SERIAL_ERRORS as e:
            raise PrinterOffline(f"{self.name}: read failed ({_cause(e)})") from e
        return data

    def discard_input(self) -> None:
        try:
            self._device().reset_input_buffer()
        except _SERIAL_ERRORS as e:
            raise PrinterOffline(f"{self.name}: {_cause(e)}") from e


class NetworkTransport:
    can_read = True

    def __init__(self, host: str, port: int, timeout_s: float) -> None:
        self.name = f"network {host}:{port}"
        self._addr, self._timeout = (host, port), timeout_s
        self._sock: socket.socket | None = None

    def open(self) -> None:
        if not self._addr[0]:
            raise PrinterOffline("network printer: no host configured (devices.printer.host)")
        try:
            self._sock = socket.create_connection(self._addr, timeout=self._timeout)
        except OSError as e:
            raise PrinterOffline(f"{self.name}: cannot connect ({_cause(e)})") from e

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()

    def _socket(self) -> socket.socket:
        if self._sock is None:
            raise PrinterOffline(f"{self.name}: not connected")
        return self._sock

    def write(self, data: bytes) -> None:
        try:
            self._socket().sendall(data)
        except TimeoutError as e:
            raise PrinterTimeout(f"{self.name}: write of {len(data)} bytes timed out") from e
        except OSError as e:
            raise PrinterOffline(f"{self.name}: write failed ({_cause(e)})") from e

    def read(self, n: int) -> bytes:
        try:
            data = self._socket().recv(n)
        except TimeoutError:
            return b""
        except OSError as e:
            raise PrinterOffline(f"{self.name}: read failed ({_cause(e)})") from e
        if not data:
            raise PrinterOffline(f"{self.name}: connection closed by the printer")
        return data

    def discard_input(self) -> None:
        sock = self._socket()
        sock.setblocking(False)
        try:
            while sock.recv(256):
                pass
        except (BlockingIOError, OSError):
            pass  # nothing (more) waiting
        finally:
            sock.settimeout(self._timeout)


class FileTransport:
    """A printer device node; reads work when the kernel driver is bidirectional (usblp)."""

    def __init__(self, path: str, timeout_s: float) -> None:
        self.name = f"file {path}"
        self._path, self._timeout = path, timeout_s
        self._fd: int | None = None
        self.can_read = False

    def open(self) -> None:
        try:
            self._fd = os.open(self._path, os.O_RDWR | os.O_NONBLOCK | os.O_NOCTTY)
            self.can_read = True
        except OSError:
            try:
                self._fd = os.open(self._path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
                self.can_read = False
            except OSError as e:
                raise PrinterOffline(f"{self.name}: cannot open ({_cause(e)})") from e

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def _desc(self) -> int:
        if self._fd is None:
            raise PrinterOffline(f"{self.name}: not open")
        return self._fd

    def write(self, data: bytes) -> None:
        fd = self._desc()
        deadline = time.monotonic() + self._timeout
        view = memoryview(data)
        try:
            while view:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([], [fd], [], left)[1]:
                    raise PrinterTimeout(f"{self.name}: write of {len(data)} bytes timed out")
                try:
                    view = view[os.write(fd, view):]
                except BlockingIOError:
                    continue
        except OSError as e:
            raise PrinterOffline(f"{self.name}: write failed ({_cause(e)})") from e

    def read(self, n: int) -> bytes:
        fd = self._desc()
        if not self.can_read:
            return b""
        try:
            if not select.select([fd], [], [], self._timeout)[0]:
                return b""
            return os.read(fd, n)
        except BlockingIOError:
            return b""
        except OSError as e:
            raise PrinterOffline(f"{self.name}: read failed ({_cause(e)})") from e

    def discard_input(self) -> None:
        fd = self._desc()
        if not self.can_read:
            return
        try:
            while select.select([fd], [], [], 0)[0] and os.read(fd, 256):
                pass
        except OSError:
            pass  # nothing readable: nothing to discard


class UsbTransport:
    """USB printer class device through python-escpos (pyusb, libusb)."""

    can_read = True

    def __init__(self, vendor_id: int, product_id: int, timeout_s: float) -> None:
        self.name = f"usb {vendor_id:04x}:{product_id:04x}"
        self._ids, self._timeout = (vendor_id, product_id), timeout_s
        self._printer: Any = None

    def open(self) -> None:
        from escpos.printer import Usb

        printer = Usb(self._ids[0], self._ids[1], timeout=int(self._timeout * 1000))
        try:
            printer.open(raise_not_found=True)
        except Exception as e:  # pyusb/libusb raise many kinds; all mean "not usable"
            try:
                printer.close()  # release a half-opened interface now, not in escpos's __del__
            except Exception:  # noqa: S110 - nothing was claimed
                pass
            raise PrinterOffline(f"{self.name}: cannot open ({_cause(e)})") from e
        self._printer = printer

    def close(self) -> None:
        printer, self._printer = self._printer, None
        if printer is not None:
            try:
                printer.close()  # explicit: python-escpos would otherwise do it in __del__
            except Exception:  # noqa: S110 - a vanished device cannot be released twice
                pass

    def write(self, data: bytes) -> None:
        if self._printer is None:
            raise PrinterOffline(f"{self.name}: not open")
        try:
            self._printer._raw(data)
        except Exception as e:
            if "timeout" in str(e).lower():
                raise PrinterTimeout(f"{self.name}: write of {len(data)} bytes timed out") from e
            raise PrinterOffline(f"{self.name}: write failed ({_cause(e)})") from e

    def read(self, n: int) -> bytes:
        if self._printer is None:
            raise PrinterOffline(f"{self.name}: not open")
        try:
            return bytes(self._printer._read())[:n]
        except Exception as e:
            if "timeout" in str(e).lower():
                return b""
            raise PrinterOffline(f"{self.name}: read failed ({_cause(e)})") from e

    def discard_input(self) -> None:
        """USB bulk-in replies only exist once asked for: nothing queues up."""


class LoopbackTransport:
    """Bytes straight into an in-process `PrinterEngine` (the simulated printer)."""

    can_read = True

    def __init__(self, engine: PrinterEngine) -> None:
        self.name = "simulated"
        self._engine = engine
        self._replies = bytearray()
        self.unplugged = False

    def open(self) -> None:
        if self.unplugged:
            raise PrinterOffline("simulated printer: unplugged")

    def close(self) -> None:
        self._replies.clear()

    def write(self, data: bytes) -> None:
        if self.unplugged:
            raise PrinterOffline("simulated printer: unplugged")
        self._replies += self._engine.feed(data)

    def read(self, n: int) -> bytes:
        out = bytes(self._replies[:n])
        del self._replies[:n]
        return out

    def discard_input(self) -> None:
        self._replies.clear()


def _cause(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__

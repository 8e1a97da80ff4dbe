"""A fake systemd notify socket: what systemd listens on for sd_notify messages."""

from __future__ import annotations

import socket
import threading
import time

from kiosk import notify


class FakeNotifySocket:
    """What systemd listens on: an AF_UNIX datagram socket; records (monotonic time, fields)."""

    def __init__(self, address: str) -> None:
        self.env_value = address
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(notify.socket_address(address))
        self.sock.settimeout(0.1)
        self.messages: list[tuple[float, list[str]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            self.messages.append((time.monotonic(), data.decode().split("\n")))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()

    def fields(self) -> list[str]:
        return [f for _, fs in self.messages for f in fs]

    def wait_for(self, field: str, timeout_s: float = 5.0) -> None:
        deadline = time.monotonic() + timeout_s
        while field not in self.fields():
            assert time.monotonic() < deadline, f"{field} never arrived: {self.fields()}"
            time.sleep(0.01)

"""A virtual Thai ID card for pcscd's vpcd driver (Debian package `vsmartcard-vpcd`).

The card is a TCP client of vpcd (default 127.0.0.1:35963, reader `Virtual PCD 00 00`):
connecting inserts the card, disconnecting removes it. Every message is preceded by its length
(2 bytes, big-endian); a 1-byte message is a control code (0 power off, 1 power on, 2 reset,
4 get ATR — answered with the ATR), anything longer a command APDU answered with the chip's
response. vpcd writes the length and the APDU in two sends, so `TCP_NODELAY` is set and
`TCP_QUICKACK` re-armed after every `recv` (without it each exchange stalls ~44 ms on delayed
ACKs). Real card timing is modelled explicitly instead: `latency_ms` per exchange plus 12 bits
per byte (command + response) at `baud`.

The chip behind it is `drivers.card.chip.Chip`, strict like a real one, and can misbehave the
same ways (`misbehaviour`: a failing SELECT, one-time glitches, a mute chip — vpcd then waits for
an answer that never comes, as a reader does for a mute card). When pcscd restarts, the card
reconnects by itself (a card that stays in the reader). `remove_after=N` pulls the card out when
the N-th command APDU arrives (that APDU gets no answer); `on_apdu(n)` is called as the n-th
arrives (e.g. to stop pcscd at that moment).

For event timing, the card sees pcscd's presence polls (vpcd asks for the ATR at each one):
`seen_at` is when the first poll after insertion was answered (pcscd learnt of the card then),
and `pull_at_next_poll()` leaves the reader by answering the next poll with nothing, so that
`pulled_at` is the moment pcscd learnt of the removal.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable

from drivers.card.chip import Chip, Misbehaviour
from drivers.card.profiles import CardProfile
from drivers.owned_thread import OwnedThread

log = logging.getLogger("kiosk.card")
VPCD_PORT = 35963
CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0, 1, 2, 4
_TCP_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


class _Closed(Exception):
    pass


class VirtualCard(OwnedThread):
    """Insert with `start()` (or `with VirtualCard(...)`), remove with `stop()`."""

    def __init__(
        self,
        profile: CardProfile,
        *,
        host: str = "127.0.0.1",
        port: int = VPCD_PORT,
        remove_after: int | None = None,
        latency_ms: float = 0.0,
        baud: int = 223_200,
        reconnect: bool = True,
        misbehaviour: Misbehaviour | None = None,
        on_apdu: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__("virtual-card", log)
        self.profile = profile
        self.chip = Chip(profile.chip, misbehaviour=misbehaviour or Misbehaviour())
        self.on_apdu = on_apdu
        self.host, self.port = host, port
        self.remove_after = remove_after
        self.latency_ms = latency_ms
        self.baud = baud
        self.reconnect = reconnect
        self.apdu_count = 0
        self.connected = threading.Event()
        self.pulled = threading.Event()  # set when remove_after (or pull_at_next_poll) pulled the card out
        self.seen_at: float | None = None  # monotonic time pcscd's first presence poll was answered
        self.pulled_at: float | None = None  # monotonic time the card answered a poll with nothing
        self._pull_at_poll = threading.Event()

    def pull_at_next_poll(self) -> None:
        """Leave the reader at pcscd's next presence poll (see `pulled_at`)."""
        self._pull_at_poll.set()

    def wait_connected(self, timeout: float = 5.0) -> bool:
        return self.connected.wait(timeout)

    # --- the card ------------------------------------------------------------------------------
    def _loop(self) -> None:
        """Stay in the reader until stopped or pulled; reconnect when pcscd goes away."""
        announced_wait = False
        while not self._stop.is_set():
            try:
                sock = socket.create_connection((self.host, self.port), timeout=2.0)
            except OSError as e:
                if not announced_wait:
                    log.info("waiting for vpcd", extra={"fields": {"port": self.port, "cause": str(e)}})
                    announced_wait = True
                self._stop.wait(0.2)
                continue
            announced_wait = False
            try:
                self._serve(sock)
            except _Closed:
                pass
            except OSError as e:
                log.info("vpcd connection lost", extra={"fields": {"cause": str(e)}})
            finally:
                self.connected.clear()
                sock.close()
            if self.pulled.is_set() or not self.reconnect:
                return
            self.chip.reset()  # re-inserted: a fresh power-up
            self._stop.wait(0.2)

    def _serve(self, sock: socket.socket) -> None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(0.2)
        self.connected.set()
        self.seen_at = None
        log.info("virtual card inserted", extra={"fields": {"profile": self.profile.name, "port": self.port}})
        while not self._stop.is_set():
            try:
                header = self._recv_exact(sock, 2)
            except TimeoutError:
                continue
            message = self._recv_exact(sock, int.from_bytes(header, "big"), patient=True)
            if message == bytes([CTRL_ATR]) and self._pull_at_poll.is_set():
                sock.sendall(b"\x00\x00")  # an empty ATR: vpcd drops the card at this poll
                self.pulled_at = time.monotonic()
                self.pulled.set()
                raise _Closed
            answer = self._answer(message)
            if answer is None:
                continue
            if len(message) > 1 and self.latency_ms > 0:
                time.sleep(self.latency_ms / 1000 + (len(message) + len(answer)) * 12 / self.baud)
            sock.sendall(len(answer).to_bytes(2, "big") + answer)
            if message == bytes([CTRL_ATR]) and self.seen_at is None:
                self.seen_at = time.monotonic()

    def _answer(self, message: bytes) -> bytes | None:
        """The answer to one vpcd message; None for none (a control code, or a mute chip)."""
        if len(message) == 1:
            code = message[0]
            if code == CTRL_ATR:
                return self.profile.chip.atr
            if code in (CTRL_OFF, CTRL_ON, CTRL_RESET):
                self.chip.reset()
            return None
        self.apdu_count += 1
        if self.on_apdu is not None:
            self.on_apdu(self.apdu_count)
        if self.remove_after is not None and self.apdu_count >= self.remove_after:
            self.pulled.set()
            log.info("virtual card pulled out", extra={"fields": {"apdu": self.apdu_count}})
            raise _Closed
        return self.chip.process(message)

    def _recv_exact(self, sock: socket.socket, n: int, patient: bool = False) -> bytes:
        data = bytearray()
        while len(data) < n:
            try:
                chunk = sock.recv(n - len(data))
            except TimeoutError:
                if not data and not patient:
                    raise
                if self._stop.is_set():
                    raise _Closed from None
                continue
            if _TCP_QUICKACK is not None:
                sock.setsockopt(socket.IPPROTO_TCP, _TCP_QUICKACK, 1)  # re-armed after every recv
            if not chunk:
                raise _Closed
            data += chunk
        return bytes(data)

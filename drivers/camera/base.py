"""The `Camera` protocol and the capture machinery every back end shares.

A capture thread reads the source as fast as it delivers and keeps only the latest frame with its
monotonic timestamp (nobody queues stale frames). A separate watchdog thread declares a fault when
no *new* frame arrived within `watchdog_s`: a read that blocks forever and a source that repeats
the very same pixels after an unplug (OpenCV does both) look the same to it. On a fault it
abandons the stuck reader (a blocked read cannot be interrupted; the old thread closes its source
if the read ever returns) and reopens the device, retrying every `watchdog_s` until frames flow
(at most `MAX_STUCK_READERS` abandoned readers are kept; beyond that it waits for one to return);
"fault" and "recovered" are each logged once.

When a `SensorCheck` is given, every frame read is shown to it; once it finds the stream
implausible for a sensor (repeats between new frames, no noise, impossible timing: possibly an
injected video), no further frame is published, `fault` says `refused: …` and `wait_frame()`
raises `CameraRefused` until the camera is stopped and started again.

Frames are published from a ring of `RING_SLOTS` buffers owned by the camera, which `wipe()`
zeroes (no face stays in memory when a session ends): a `Frame.image` stays valid until
`RING_SLOTS - 1` newer frames have arrived; copy it to keep it longer.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Callable
from types import TracebackType
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from drivers.camera.errors import CameraFrozen, CameraRefused, CameraUnavailable
from drivers.camera.frame import Frame
from drivers.camera.sensor import SensorCheck

log = logging.getLogger("kiosk.camera")
RING_SLOTS = 4
MAX_STUCK_READERS = 3
Image = npt.NDArray[Any]  # cv2 types its arrays loosely; frames are uint8 BGR


class Source(Protocol):
    """A device or file that yields frames; `read()` may block; None means a failed read."""

    def read(self) -> Image | None: ...

    def close(self) -> None: ...


class Camera(Protocol):
    name: str

    @property
    def fault(self) -> str | None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def latest(self) -> Frame | None: ...

    def wait_frame(self, after_seq: int = -1, timeout_s: float | None = None) -> Frame: ...

    def perform(self, challenge: str | None) -> None: ...

    def wipe(self) -> None: ...

    def __enter__(self) -> Camera: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


def fingerprint(image: Image) -> int:
    """A cheap checksum of a sparse pixel grid: real sensors never repeat it exactly."""
    return zlib.crc32(np.ascontiguousarray(image[::8, ::8]).tobytes())


class CapturingCamera:
    """Capture thread + watchdog around a `Source` opened by `opener` (raises CameraUnavailable)."""

    def __init__(
        self, name: str, opener: Callable[[], Source], watchdog_s: float, *, sensor: SensorCheck | None = None
    ) -> None:
        self.name = name
        self._opener = opener
        self.watchdog_s = watchdog_s
        self.sensor = sensor
        self._refused: str | None = None
        self._lock = threading.Condition()
        self._latest: Frame | None = None
        self._ring: list[Image | None] = [None] * RING_SLOTS
        self._seq = 0
        self._fault: str | None = None
        self._running = False
        self._generation = 0
        self._last_new = 0.0
        self._last_print = -1
        self._threads: list[threading.Thread] = []
        self._watchdog: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def __enter__(self) -> CapturingCamera:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        """Open the device and start capturing; raises CameraUnavailable when it cannot be opened."""
        if self._running:
            return
        source = self._opener()
        self._running = True
        self._refused = None
        if self.sensor is not None:
            self.sensor = SensorCheck(self.sensor.fps)
        self._last_new = time.monotonic()
        self._spawn(source)
        self._watchdog = threading.Thread(target=self._watch, name=f"camera-watchdog-{self.name}", daemon=True)
        self._watchdog.start()

    def stop(self) -> None:
        with self._lock:
            self._running = False
            self._generation += 1
            self._lock.notify_all()
        if self._watchdog is not None:
            self._watchdog.join(timeout=2 * self.watchdog_s + 1)
        for t in self._threads:
            t.join(timeout=0.5)  # a reader blocked in the device stays abandoned (daemon)
        self._threads = [t for t in self._threads if t.is_alive()]

    # -- frames -----------------------------------------------------------------------------
    @property
    def fault(self) -> str | None:
        return self._fault

    def latest(self) -> Frame | None:
        return self._latest

    def wait_frame(self, after_seq: int = -1, timeout_s: float | None = None) -> Frame:
        """The first frame newer than `after_seq`; raises CameraFrozen/CameraUnavailable on timeout."""
        limit = timeout_s if timeout_s is not None else self.watchdog_s * 2
        deadline = time.monotonic() + limit
        with self._lock:
            while True:
                if self._refused is not None:
                    raise CameraRefused(f"camera {self.name}: refused: {self._refused}")
                frame = self._latest
                if frame is not None and frame.seq > after_seq:
                    return frame
                left = deadline - time.monotonic()
                if left <= 0 or not self._running:
                    break
                self._lock.wait(min(left, 0.05))
        fault = self._fault or f"no frame within {limit:.1f} s"
        if fault.startswith("unavailable") or not self._running:
            raise CameraUnavailable(f"camera {self.name}: {fault}")
        raise CameraFrozen(f"camera {self.name}: {fault}")

    def perform(self, challenge: str | None) -> None:
        """Only a simulated person follows prompts; a real camera ignores this."""

    def wipe(self) -> None:
        """Zero every frame buffer and drop the latest frame (session end: no face stays in memory)."""
        with self._lock:
            self._latest = None
            for slot in self._ring:
                if slot is not None:
                    slot.fill(0)

    # -- threads ----------------------------------------------------------------------------
    def _spawn(self, source: Source) -> None:
        with self._lock:
            self._generation += 1
            gen = self._generation
        if self.sensor is not None:
            self.sensor.reset()  # a reopened device is judged afresh
        t = threading.Thread(target=self._capture, args=(source, gen), name=f"camera-{self.name}", daemon=True)
        self._threads = [x for x in self._threads if x.is_alive()] + [t]
        t.start()

    def _current(self, gen: int) -> bool:
        return self._running and gen == self._generation

    def _capture(self, source: Source, gen: int) -> None:
        try:
            while self._current(gen):
                image = source.read()
                if not self._current(gen):
                    break
                if image is None:
                    time.sleep(0.01)  # a failed read: the watchdog decides when it is a fault
                    continue
                mark = fingerprint(image)
                repeat = mark == self._last_print
                now = time.monotonic()
                if self.sensor is not None and self._judge(source, image, now, repeat):
                    continue  # refused: nothing more is published
                if repeat:
                    continue  # the same pixels again: not a new frame
                with self._lock:
                    self._last_print = mark
                    self._seq += 1
                    index = self._seq % RING_SLOTS
                    slot = self._ring[index]
                    if slot is None or slot.shape != image.shape:
                        slot = self._ring[index] = np.empty_like(image)
                    np.copyto(slot, image)
                    self._latest = Frame(slot, now, self._seq)
                    self._last_new = now
                    if self._fault is not None:
                        log.warning("camera recovered", extra={"fields": {"camera": self.name}})
                        self._fault = None
                    self._lock.notify_all()
        except Exception as e:  # a reader must report its own death, not vanish
            with self._lock:
                if self._current(gen):
                    self._fault = f"capture failed ({type(e).__name__}: {e})"
                    log.error("camera capture failed", extra={"fields": {"camera": self.name, "error": str(e)}})
        finally:
            source.close()

    def _judge(self, source: Source, image: Image, now: float, repeat: bool) -> bool:
        """Show the frame to the sensor check; True once the stream is refused."""
        assert self.sensor is not None
        if self._refused is not None:
            return True
        device_ts = getattr(source, "device_ts", None)
        verdict = self.sensor.observe(image, now, repeat=repeat, device_ts=device_ts() if callable(device_ts) else None)
        if verdict is None:
            return False
        with self._lock:
            self._refused = verdict
            self._fault = f"refused: {verdict}"
            self._latest = None
            for slot in self._ring:
                if slot is not None:
                    slot.fill(0)
            self._lock.notify_all()
        log.error("camera stream refused", extra={"fields": {"camera": self.name, "reason": verdict}})
        return True

    def _watch(self) -> None:
        period = self.watchdog_s / 4
        while self._running:
            time.sleep(period)
            if not self._running:
                break
            with self._lock:  # measured under the lock: a frame published meanwhile is not "frozen"
                silent = time.monotonic() - self._last_new
                if silent <= self.watchdog_s or self._refused is not None:
                    continue
                first = self._fault is None
                if first or not (self._fault or "").startswith("unavailable"):
                    self._fault = f"frozen: no new frame for {silent:.1f} s"
            if first:
                log.warning("camera frozen; reopening", extra={"fields": {"camera": self.name, "seconds": round(silent, 2)}})
            self._reopen()

    def _reopen(self) -> None:
        stuck = [t for t in self._threads if t.is_alive()]
        if len(stuck) >= MAX_STUCK_READERS:
            return  # readers blocked in the device: wait for one to return rather than pile up
        with self._lock:
            self._generation += 1  # abandon the stuck reader
        try:
            source = self._opener()
        except CameraUnavailable as e:
            with self._lock:
                if self._fault is None or not self._fault.startswith("unavailable"):
                    log.warning("camera unavailable", extra={"fields": {"camera": self.name, "error": str(e)}})
                self._fault = f"unavailable: {e}"
            self._last_new = time.monotonic()  # retry after another watchdog period
            return
        self._last_new = time.monotonic()
        if self._running:
            self._spawn(source)
        else:
            source.close()

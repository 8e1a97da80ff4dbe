"""`Embedder`: the ResNet face descriptor, computed in a worker process of its own.

dlib keeps Python's GIL while it computes a descriptor (55-130 ms) or loads the ResNet: in the
kiosk's process that freezes every thread, the Qt GUI thread included. So the ResNet lives in a
persistent child process ('spawn', so it shares no locks or threads with the kiosk's) and the
kiosk sends it only the 150×150 aligned face chip (made in-process with `dlib.get_face_chip`,
about 1 ms), through a shared buffer; a short message on a pipe says "embed". Waiting for the
answer releases the GIL.

    with Embedder() as embedder:           # start() spawns; the models load in the child
        embedder.wait_ready()              # optional: embed() waits for it too
        descriptor = embedder.embed(chip)  # 128 float64, same numbers as in-process dlib

Lifecycle: `start()` (non-blocking), `wait_ready()`, `stop()` (asks, then terminates, then kills;
always joins, so no zombie), context manager. `embed()` on a stopped embedder starts a new worker
(the kiosk's shared embedder is stopped by `models.close()` when a user is done; the next user
starts it again). A worker that dies or stops answering is restarted once; if the new one fails
too, `FaceWorkerFailed` is raised (a `FaceModelsUnavailable`: the session reports a device fault).
The worker is a daemon process and ends by itself when the kiosk's end of the pipe closes, so
even a killed kiosk leaves nothing running.
Spawn re-imports the main module in the worker: scripts need `if __name__ == "__main__":`.

Privacy: the chip is a face image. The shared chip buffer is zeroed by the worker as soon as the
descriptor is computed and by the kiosk's side after every request, answered or not; the
descriptor slot is zeroed once it is copied out.

Errors: `FaceModelsUnavailable` (the worker cannot load dlib or the ResNet: no AVX, missing files),
`FaceWorkerFailed` (the worker died or hung twice in a row, or dlib failed on a chip).
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import signal
import threading
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import numpy as np
import numpy.typing as npt

from kiosk import logs
from kiosk.face.errors import FaceModelsUnavailable, FaceWorkerFailed

log = logs.get("face")

CHIP_SIDE = 150
"""Side of the aligned face chip the ResNet takes, pixels (dlib's own default)."""
CHIP_PADDING = 0.25
"""Padding around the face in the chip (dlib's default for `compute_face_descriptor`)."""
CHIP_SHAPE = (CHIP_SIDE, CHIP_SIDE, 3)
DESCRIPTOR_LEN = 128
_DESCRIPTOR_BYTES = DESCRIPTOR_LEN * 8  # first in the buffer, so the float64s are aligned
_CHIP_BYTES = CHIP_SIDE * CHIP_SIDE * 3
START_TIMEOUT_S = 60.0
"""Seconds a new worker may take to import dlib and load the ResNet (about 1-2 s on a kiosk)."""
REQUEST_TIMEOUT_S = 10.0
"""Seconds one descriptor may take before the worker is taken for hung (about 0.1 s normally)."""
STOP_TIMEOUT_S = 5.0
"""Seconds a worker is given to end after it is asked to, then after it is terminated."""

Chip = npt.NDArray[np.uint8]
Descriptor = npt.NDArray[np.float64]


class _WorkerLost(Exception):
    """The worker died, closed its pipe or did not answer in time (internal: triggers a restart)."""


def _views(shared: Any) -> tuple[Descriptor, Chip]:
    raw = np.frombuffer(shared, dtype=np.uint8)
    descriptor = raw[:_DESCRIPTOR_BYTES].view(np.float64)
    chip = raw[_DESCRIPTOR_BYTES:].reshape(CHIP_SHAPE)
    return descriptor, chip


def _serve(conn: Connection, shared: Any) -> None:
    """The worker's main: load the ResNet, then answer "embed" until "stop" or the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal is the kiosk's to handle
    from kiosk.face import models  # the AVX check comes before dlib is imported, as in the kiosk

    try:
        encoder, load_s = models.load_encoder()
    except FaceModelsUnavailable as e:
        conn.send(("unavailable", str(e)))
        return
    conn.send(("ready", load_s))
    descriptor, chip = _views(shared)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):  # the kiosk is gone
            return
        if request != "embed":
            return
        try:
            vector = encoder.compute_face_descriptor(chip)
            descriptor[:] = vector
            for i in range(len(vector)):  # dlib's own copy of the descriptor
                vector[i] = 0.0
            reply: tuple[str, str] = ("ok", "")
        except Exception as e:  # dlib's errors are RuntimeError; the message names no image data
            reply = ("error", f"{type(e).__name__}: {e}")
        finally:
            chip.fill(0)
        conn.send(reply)


class Embedder:
    """The ResNet in a worker process; `embed(chip)` is thread-safe (one request at a time)."""

    def __init__(
        self,
        *,
        start_timeout_s: float = START_TIMEOUT_S,
        request_timeout_s: float = REQUEST_TIMEOUT_S,
    ) -> None:
        self.start_timeout_s = start_timeout_s
        self.request_timeout_s = request_timeout_s
        self._ctx = mp.get_context("spawn")
        self._shared = self._ctx.RawArray(ctypes.c_uint8, _DESCRIPTOR_BYTES + _CHIP_BYTES)
        self._descriptor, self._chip = _views(self._shared)
        self._lock = threading.RLock()
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._ready = False
        self.load_s: float | None = None
        """Seconds the last worker took to load the ResNet (None before it is ready)."""
        self.restarts = 0
        """Workers started again after one was lost (for logs and tests)."""

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Embedder:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int | None:
        """Process id of the running worker, None when there is none."""
        with self._lock:
            p = self._process
            return p.pid if p is not None and p.is_alive() else None

    def start(self) -> None:
        """Spawn the worker (returns at once; the ResNet loads in the child). No-op when running."""
        with self._lock:
            if self._process is not None and self._process.is_alive():
                return
            self._discard()
            ours, theirs = self._ctx.Pipe(duplex=True)
            process = self._ctx.Process(
                target=_serve, args=(theirs, self._shared), name="kiosk-face-embedder", daemon=True
            )
            process.start()
            theirs.close()  # only the worker holds it now: its death reads as EOF here
            self._process, self._conn, self._ready = process, ours, False

    def wait_ready(self) -> float:
        """Wait until the worker has loaded the ResNet; its load time in seconds.

        Raises `FaceModelsUnavailable` (the worker cannot load it) or `FaceWorkerFailed` (it died
        or took longer than `start_timeout_s`)."""
        with self._lock:
            if self._process is None:
                self.start()
            if self._ready:
                assert self.load_s is not None
                return self.load_s
            conn, process = self._conn, self._process
            assert conn is not None and process is not None
            try:
                if not conn.poll(self.start_timeout_s):
                    raise _WorkerLost(f"not ready within {self.start_timeout_s:g} s")
                kind, detail = conn.recv()
            except (_WorkerLost, EOFError, OSError) as e:
                cause = _cause(e, process)
                self._discard()
                raise FaceWorkerFailed(f"the face embedding worker did not start ({cause})") from None
            if kind != "ready":
                self._discard()
                raise FaceModelsUnavailable(str(detail))
            self._ready, self.load_s = True, float(detail)
            log.info("face embedding worker ready", extra={"fields": {"pid": process.pid, "seconds": round(self.load_s, 3)}})
            return self.load_s

    def stop(self) -> None:
        """End the worker and wait for it; the shared buffer is zeroed. Safe to call twice."""
        with self._lock:
            self._discard()

    def _discard(self) -> None:
        process, conn = self._process, self._conn
        self._process, self._conn, self._ready = None, None, False
        if conn is not None:
            try:
                if process is not None and process.is_alive():
                    conn.send("stop")
            except OSError:
                pass
            conn.close()  # the worker also ends on EOF
        if process is not None:
            process.join(STOP_TIMEOUT_S)
            if process.is_alive():
                log.warning("face embedding worker did not stop: terminating", extra={"fields": {"pid": process.pid}})
                process.terminate()
                process.join(STOP_TIMEOUT_S)
            if process.is_alive():
                process.kill()
                process.join()
            process.close()
        self._chip.fill(0)
        self._descriptor.fill(0)

    # ------------------------------------------------------------------ requests
    def embed(self, chip: Chip) -> Descriptor:
        """The 128-d descriptor of one aligned 150×150 RGB face chip (uint8).

        Starts the worker if needed; restarts it once if it is lost during the request."""
        if chip.shape != CHIP_SHAPE or chip.dtype != np.uint8:
            raise ValueError(f"a face chip is {CHIP_SHAPE} uint8, not {chip.shape} {chip.dtype}")
        with self._lock:
            for attempt in (1, 2):
                self.wait_ready()
                try:
                    return self._ask(chip)
                except _WorkerLost as e:
                    assert self._process is not None
                    cause = _cause(e, self._process)
                    self._discard()
                    if attempt == 2:
                        raise FaceWorkerFailed(f"the face embedding worker was lost twice ({cause})") from None
                    self.restarts += 1
                    log.warning("face embedding worker lost: restarting", extra={"fields": {"cause": cause}})
                    self.start()
        raise AssertionError("unreachable")

    def _ask(self, chip: Chip) -> Descriptor:
        conn = self._conn
        assert conn is not None
        try:
            np.copyto(self._chip, chip)
            try:
                conn.send("embed")
                if not conn.poll(self.request_timeout_s):
                    raise _WorkerLost(f"no answer within {self.request_timeout_s:g} s")
                kind, detail = conn.recv()
            except (EOFError, OSError) as e:
                raise _WorkerLost(type(e).__name__) from None
        finally:
            self._chip.fill(0)
        if kind != "ok":
            raise FaceWorkerFailed(f"dlib could not embed the face chip ({detail})")
        out = self._descriptor.copy()
        self._descriptor.fill(0)
        return out


def _cause(e: BaseException, process: BaseProcess) -> str:
    """Why a worker was lost, for the log and the error: its exit code when it has one."""
    process.join(0.2)
    code = process.exitcode
    if code is None:
        return str(e) or type(e).__name__
    if code < 0:
        if -code == signal.SIGILL:  # dlib built for a newer CPU than this one (kiosk.native)
            return "killed by SIGILL: Illegal instruction, the dlib build needs a newer CPU than this one"
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"

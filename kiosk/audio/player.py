"""`Player`: the one owner of the sound output, on a thread of its own. Nobody waits on it: the
flow thread asks for sounds (`play`) and returns at once, and the GUI thread never touches it.

    player = Player(lambda: open_output("alsa", device="default"), on_played=note)
    player.start()
    player.play([cue("step"), prompt], interrupt=True)   # what was playing stops within a chunk
    player.play([hint], if_silent=True)                  # only if nothing is playing or queued
    player.repeat_every(cue("alarm1"), 5.0)              # until repeat_every(None)
    player.volume = 0.5                                  # applied from the next chunk
    player.stop()

A clip is a `Sound` or anything with a `name` and a `load() -> Sound | None` (a prompt, loaded
from its file on this thread; None: the pack has no file, nothing is played).

Each clip is written in chunks of `CHUNK` frames; between chunks the player looks for an
interruption and applies the volume. It never runs more than `AHEAD_S` ahead of the wall clock:
a sound card's blocking write paces itself, ALSA's `null` device and the simulated speaker would
not, so an interruption is heard as late on every output.

The output is opened when the thread starts. If it cannot be opened, or fails while playing (a USB speaker
pulled out), `fault` names the cause, the clip is reported as not played, and the output is
tried again after `retry_s`; the kiosk goes on without sound meanwhile.

`on_played(name, outcome, started, seconds)` is called on the player thread for every clip:
outcome `played`, `interrupted`, `missing` (no file), `unplayable: <why>` or `no sound: <fault>`.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from drivers.audio import RATE, AudioError, AudioOutput
from kiosk import logs
from kiosk.audio.sounds import Sound, SoundError

log = logs.get("audio")

CHUNK = 1024
"""Frames written at a time (46 ms): the longest an interruption or a volume change waits."""
AHEAD_S = 0.12
"""How far the writes may run ahead of the wall clock (about a sound card's buffer)."""


class Clip(Protocol):
    @property
    def name(self) -> str: ...

    def load(self) -> Sound | None: ...


class _Ready:
    """A `Sound` as a clip."""

    def __init__(self, sound: Sound) -> None:
        self.sound = sound
        self.name = sound.name

    def load(self) -> Sound:
        return self.sound


OnPlayed = Callable[[str, str, float, float], None]


class Player:
    def __init__(self, open_output: Callable[[], AudioOutput], *, on_played: OnPlayed | None = None,
                 retry_s: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._open = open_output
        self._on_played = on_played
        self._retry_s = retry_s
        self._clock = clock
        self._cond = threading.Condition()
        self._queue: deque[Clip] = deque()
        self._generation = 0
        self._loop: Clip | None = None
        self._loop_every = 0.0
        self._loop_next = 0.0
        self._running = False
        self._thread: threading.Thread | None = None
        self._out: AudioOutput | None = None
        self._failed_at: float | None = None
        self.volume = 1.0
        """0.0-1.0, a gain on every sample (set from any thread)."""
        self.fault: str | None = None
        """Why there is no sound (None while the output works or has not been needed yet)."""
        self.current: str | None = None
        """The clip being written now, if any."""

    # ------------------------------------------------------------------ any thread
    def start(self) -> None:
        with self._cond:
            if self._running:
                return
            self._running = True
        self._thread = threading.Thread(target=self._run, name="kiosk-audio", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 2.0) -> None:
        with self._cond:
            self._running = False
            self._generation += 1
            self._queue.clear()
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        self._close_output()

    def play(self, clips: Sequence[Clip | Sound], *, interrupt: bool = True, if_silent: bool = False) -> bool:
        """Queue clips (after stopping what plays, when `interrupt`); False if `if_silent` and
        something is playing or queued (nothing is queued then)."""
        items = [_Ready(c) if isinstance(c, Sound) else c for c in clips]
        with self._cond:
            if if_silent and (self.current is not None or self._queue):
                return False
            if interrupt:
                self._generation += 1
                self._queue.clear()
            self._queue.extend(items)
            self._cond.notify_all()
        return True

    def silence(self) -> None:
        """Stop what plays and drop what is queued (the repeating clip goes on: `repeat_every`)."""
        self.play([], interrupt=True)

    def repeat_every(self, clip: Clip | Sound | None, every_s: float = 5.0) -> None:
        """Play `clip` now and then every `every_s` whenever nothing else is queued; None stops it."""
        with self._cond:
            self._loop = _Ready(clip) if isinstance(clip, Sound) else clip
            self._loop_every = every_s
            self._loop_next = self._clock()
            self._cond.notify_all()

    @property
    def busy(self) -> bool:
        with self._cond:
            return self.current is not None or bool(self._queue)

    # ------------------------------------------------------------------ the player thread
    def _next(self) -> tuple[Clip, int] | None:
        with self._cond:
            while self._running:
                if self._queue:
                    return self._queue.popleft(), self._generation
                now = self._clock()
                if self._loop is not None and now >= self._loop_next:
                    self._loop_next = now + self._loop_every
                    return self._loop, self._generation
                wait = None if self._loop is None else self._loop_next - now
                self._cond.wait(wait)
            return None

    def _run(self) -> None:
        self._output()  # open at start: a missing sound card is known before the first citizen
        while True:
            item = self._next()
            if item is None:
                return
            clip, generation = item
            started = self._clock()
            with self._cond:
                self.current = clip.name
            try:
                outcome, seconds = self._play(clip, generation)
            except Exception as e:  # a bug here must not silence the kiosk for good
                log.error("audio: clip failed", extra={"fields": {"clip": clip.name}}, exc_info=e)
                outcome, seconds = f"unplayable: {type(e).__name__}", 0.0
            finally:
                with self._cond:
                    self.current = None
            if self._on_played is not None:
                try:
                    self._on_played(clip.name, outcome, started, seconds)
                except Exception as e:
                    log.error("audio: on_played failed", exc_info=e)

    def _play(self, clip: Clip, generation: int) -> tuple[str, float]:
        try:
            sound = clip.load()
        except SoundError as e:
            log.warning("audio: prompt file unplayable", extra={"fields": {"error": str(e)}})
            return f"unplayable: {e}", 0.0
        if sound is None:
            return "missing", 0.0
        out = self._output()
        if out is None:
            return f"no sound: {self.fault}", 0.0
        samples = sound.samples
        start = self._clock()
        written = 0
        for i in range(0, len(samples), CHUNK):
            ahead = start + written / RATE - self._clock()
            with self._cond:
                if ahead > AHEAD_S and self._generation == generation and self._running:
                    self._cond.wait(ahead - AHEAD_S)  # an interruption wakes it
                if self._generation != generation or not self._running:
                    return "interrupted", written / RATE
            chunk = samples[i:i + CHUNK]
            gain = min(1.0, max(0.0, self.volume))
            if gain != 1.0:
                chunk = (chunk.astype(np.float32) * gain).astype(np.int16)
            try:
                out.write(chunk.tobytes())
            except AudioError as e:
                self._lost(str(e))
                return f"no sound: {e}", written / RATE
            written += len(chunk)
        return "played", written / RATE

    def _output(self) -> AudioOutput | None:
        if self._out is not None:
            return self._out
        if self._failed_at is not None and self._clock() - self._failed_at < self._retry_s:
            return None
        try:
            self._out = self._open()
        except AudioError as e:
            self._lost(str(e))
            return None
        if self.fault is not None:
            log.warning("audio: sound output back")
        self.fault = None
        self._failed_at = None
        return self._out

    def _lost(self, why: str) -> None:
        if why != self.fault:
            log.error("audio: no sound", extra={"fields": {"error": why}})
        self.fault = why
        self._failed_at = self._clock()
        self._close_output()

    def _close_output(self) -> None:
        out, self._out = self._out, None
        if out is not None:
            try:
                out.close()
            except Exception as e:  # closing a dead device
                log.debug("audio: close failed", extra={"fields": {"error": type(e).__name__}})

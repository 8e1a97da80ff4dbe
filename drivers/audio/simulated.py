"""A simulated speaker: accepts what a sound card would (whole 16-bit mono frames) and keeps
what it heard, for tests and the demo. `unplug()` does what pulling out a USB speaker does: the
next write fails and no new output opens; `plug_in()` puts it back."""

from __future__ import annotations

import threading
from array import array

from drivers.audio.errors import AudioError


class SimulatedOutput:
    unplugged = False
    """Class-wide: a simulated speaker pulled out stays out for every output until `plug_in()`."""

    def __init__(self, rate: int) -> None:
        if SimulatedOutput.unplugged:
            raise AudioError("simulated speaker unplugged")
        self.rate = rate
        self.frames = 0
        self.peak = 0
        self.closed = False
        self._lock = threading.Lock()

    def write(self, pcm: bytes) -> None:
        if len(pcm) % 2:
            raise AudioError(f"simulated speaker: {len(pcm)} bytes is not a whole number of 16-bit frames")
        if SimulatedOutput.unplugged or self.closed:
            raise AudioError("simulated speaker unplugged" if SimulatedOutput.unplugged else "simulated speaker closed")
        samples = array("h", pcm)
        with self._lock:
            self.frames += len(samples)
            if samples:
                self.peak = max(self.peak, max(samples), -min(samples))

    @property
    def seconds(self) -> float:
        return self.frames / self.rate

    def close(self) -> None:
        self.closed = True

    @classmethod
    def unplug(cls) -> None:
        cls.unplugged = True

    @classmethod
    def plug_in(cls) -> None:
        cls.unplugged = False

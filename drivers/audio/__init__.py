"""Sound output: 16-bit signed mono PCM at `RATE` Hz, to ALSA (pyalsaaudio) or a simulated speaker.

    out = open_output("alsa", device="default")    # AudioError naming the cause when it cannot open
    out.write(pcm)        # bytes, a whole number of frames; may block while the device's buffer is full
    out.close()

`AlsaOutput` plays through any ALSA device name (`default`, `plughw:1,0`, `null`, `pulse`...);
`SimulatedOutput` stands in for a speaker on machines without one and keeps what it was given
(seconds written, the loudest sample) so tests and the demo can see what was heard; it can be
unplugged like a USB speaker (`unplug()`: the next write raises `AudioError`).

Neither paces itself beyond what the device does: a real card blocks a write while its buffer is
full, ALSA's `null` device and the simulated speaker never do. The player above
(`kiosk.audio.player`) keeps every output at most a buffer ahead of the wall clock.
"""

from __future__ import annotations

from typing import Literal, Protocol

from drivers.audio.alsa import AlsaOutput, hardware_cards
from drivers.audio.errors import AudioError
from drivers.audio.simulated import SimulatedOutput

RATE = 22050
"""Frames per second of every output (speech needs no more; espeak-ng writes this rate)."""

__all__ = ["RATE", "AlsaOutput", "AudioError", "AudioOutput", "SimulatedOutput", "hardware_cards", "open_output"]


class AudioOutput(Protocol):
    rate: int

    def write(self, pcm: bytes) -> None: ...

    def close(self) -> None: ...


def open_output(backend: Literal["alsa", "simulated"], *, device: str = "default") -> AudioOutput:
    """The sound output named by the config (`[devices.audio]`); raises `AudioError`."""
    if backend == "alsa":
        return AlsaOutput(device, RATE)
    if backend == "simulated":
        return SimulatedOutput(RATE)
    raise ValueError(f"unknown audio back end {backend!r} (alsa or simulated)")

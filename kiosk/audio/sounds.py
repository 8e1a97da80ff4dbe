"""Sounds as the player takes them: `Sound(name, samples)`, 16-bit mono at `RATE`.

The cues are synthesized here (nothing to license, nothing to download), in the 300-1000 Hz band
that older ears still hear well, each with a soft attack and release (no clicks):

    step       two rising notes: the next screen asks something of you
    success    three rising notes: verified
    error      two falling notes, low and calm (not a buzzer): something did not work
    attention  one note: look at the screen (still there? cancel?)
    alarm1     the card is still in the reader: three short beeps
    alarm2     the card has been left and staff are alerted: a faster two-tone pattern, louder

`load_wav(path)` reads a prompt file: PCM WAV, 8- or 16-bit, mono or stereo, any rate (mixed to
mono, resampled to `RATE`); anything else raises `SoundError` naming the file and what is wrong.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from drivers.audio import RATE


class SoundError(Exception):
    """A prompt file cannot be played (named, with the reason)."""


@dataclass(frozen=True, slots=True)
class Sound:
    name: str
    samples: np.ndarray = field(repr=False)
    """int16, mono, `RATE` frames per second."""

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE


def _tone(freq_hz: float, seconds: float, level: float = 0.5, harmonics: float = 0.25) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    wave_ = np.sin(2 * np.pi * freq_hz * t) + harmonics * np.sin(4 * np.pi * freq_hz * t)
    ramp = min(len(t) // 4, int(RATE * 0.012))  # 12 ms attack and release
    envelope = np.ones_like(t)
    if ramp:
        envelope[:ramp] = np.linspace(0.0, 1.0, ramp)
        envelope[-ramp:] = np.linspace(1.0, 0.0, ramp)
    envelope *= np.exp(-1.5 * t / max(seconds, 1e-3))  # a bell-like decay
    return level * wave_ / (1 + harmonics) * envelope


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(RATE * seconds))


def _join(*parts: np.ndarray) -> np.ndarray:
    return np.concatenate(parts)


def _pcm(signal: np.ndarray) -> np.ndarray:
    return np.clip(np.round(signal * 32767), -32768, 32767).astype(np.int16)


def _cues() -> dict[str, np.ndarray]:
    g = _silence(0.04)
    return {
        "step": _join(_tone(660, 0.12, 0.45), g, _tone(880, 0.18, 0.45)),
        "success": _join(_tone(523, 0.13, 0.5), g, _tone(659, 0.13, 0.5), g, _tone(784, 0.30, 0.5)),
        "error": _join(_tone(440, 0.22, 0.5), g, _tone(330, 0.34, 0.5)),
        "attention": _tone(740, 0.22, 0.5),
        "alarm1": _join(*[_join(_tone(880, 0.15, 0.6), _silence(0.12)) for _ in range(3)]),
        "alarm2": _join(*[_join(_tone(988, 0.12, 0.9), _silence(0.05), _tone(740, 0.12, 0.9), _silence(0.05))
                          for _ in range(4)]),
    }


CUE_NAMES = ("step", "success", "error", "attention", "alarm1", "alarm2")
_CACHE: dict[str, Sound] = {}


def cue(name: str) -> Sound:
    """One of `CUE_NAMES` (KeyError otherwise); synthesized once."""
    if not _CACHE:
        _CACHE.update({n: Sound(f"cue:{n}", _pcm(s)) for n, s in _cues().items()})
    return _CACHE[name]


def load_wav(path: Path, name: str) -> Sound:
    try:
        with wave.open(str(path), "rb") as w:
            channels, width, rate, frames = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
            raw = w.readframes(frames)
    except FileNotFoundError:
        raise SoundError(f"{path}: no such file") from None
    except (wave.Error, EOFError, OSError) as e:
        raise SoundError(f"{path}: not a PCM WAV file ({e})") from None
    if width not in (1, 2) or channels not in (1, 2) or not 8000 <= rate <= 96000:
        raise SoundError(f"{path}: {8 * width}-bit, {channels} channels at {rate} Hz; "
                         "use 16-bit PCM, mono or stereo, 8000-96000 Hz")
    if width == 1:
        data = (np.frombuffer(raw, dtype=np.uint8).astype(np.float64) - 128) / 128
    else:
        data = np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768
    if channels == 2:
        data = data[: len(data) // 2 * 2].reshape(-1, 2).mean(axis=1)
    if rate != RATE and len(data):
        t_out = np.arange(int(len(data) * RATE / rate)) / RATE
        data = np.interp(t_out, np.arange(len(data)) / rate, data)
    if len(data) == 0:
        raise SoundError(f"{path}: the file holds no sound")
    return Sound(name, _pcm(data))

"""Errors of the sound output: `AudioError` names the device and the cause (no sound card, the
device busy or unplugged); pyalsaaudio's `ALSAAudioError` never leaves the driver."""

from __future__ import annotations


class AudioError(Exception):
    pass

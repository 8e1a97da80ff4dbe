"""Camera errors: `CameraError` > `CameraUnavailable` (no device, cannot open, unplugged),
`CameraFrozen` (no new frame within the watchdog time: a blocked read or a repeated frame)."""

from __future__ import annotations


class CameraError(Exception):
    """Base of the camera errors; the message names the device and the cause."""


class CameraUnavailable(CameraError):
    """The camera cannot be opened or has gone away."""


class CameraFrozen(CameraError):
    """No new frame arrived within the watchdog time."""

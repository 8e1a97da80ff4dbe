"""Camera errors: `CameraError` > `CameraUnavailable` (no device, cannot open, unplugged) >
`CameraRefused` (not the configured physical camera, or a stream no sensor produces: possible
injected video), `CameraFrozen` (no new frame within the watchdog time: a blocked read or a
repeated frame)."""

from __future__ import annotations


class CameraError(Exception):
    """Base of the camera errors; the message names the device and the cause."""


class CameraUnavailable(CameraError):
    """The camera cannot be opened or has gone away."""


class CameraFrozen(CameraError):
    """No new frame arrived within the watchdog time."""


class CameraRefused(CameraUnavailable):
    """The device is not the configured physical camera (virtual, another model, another port),
    or its stream has timing or frame-to-frame noise no sensor produces; the message says which."""

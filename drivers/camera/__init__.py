"""Cameras: one small protocol, an OpenCV back end and a simulated one, chosen by name.

    with open_camera("opencv", device="0") as cam:
        frame = cam.wait_frame()          # Frame(image BGR, ts monotonic, seq)

`Camera`: context manager, `start()`, `stop()`, `latest() -> Frame | None`,
`wait_frame(after_seq=-1, timeout_s=None) -> Frame`, `fault: str | None`, `perform(challenge)`
(a simulated citizen follows liveness prompts; real cameras ignore it), `wipe()` (zero the
latest frame). `SimulatedCamera` adds `set_scenario()`, `show_phone()` / `hide_phone()` (the
citizen holds up a phone showing a QR code), `freeze()`, `block()`, `unplug()`.

Errors: `CameraError` > `CameraUnavailable` (> `CameraRefused`: not the configured physical camera,
or a stream no sensor produces), `CameraFrozen`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from drivers.camera.base import Camera, CapturingCamera
from drivers.camera.errors import CameraError, CameraFrozen, CameraRefused, CameraUnavailable
from drivers.camera.frame import Frame
from drivers.camera.opencv import OpenCvCamera
from drivers.camera.simulated import SCENARIOS, SimulatedCamera

__all__ = [
    "SCENARIOS",
    "Camera",
    "CameraError",
    "CameraFrozen",
    "CameraRefused",
    "CameraUnavailable",
    "CapturingCamera",
    "Frame",
    "OpenCvCamera",
    "SimulatedCamera",
    "open_camera",
]


def open_camera(
    backend: Literal["opencv", "simulated"],
    *,
    device: str = "0",
    width: int = 640,
    height: int = 480,
    fps: int = 30,
    watchdog_s: float = 1.0,
    scenario: str | Sequence[str | Path] = "genuine",
    usb_id: str = "",
    bus_path: str = "",
    verify_device: bool = True,
    sensor_check: bool = True,
) -> CapturingCamera:
    """A camera (not started: use it as a context manager or call start()).

    `usb_id` / `bus_path` pin the physical camera (opencv); `verify_device=False` skips the sysfs
    identity check (a video file read through OpenCV, in tests); `sensor_check=False` turns off
    the stream's plausibility check (both back ends)."""
    if backend == "opencv":
        return OpenCvCamera(device, width, height, fps, watchdog_s, usb_id=usb_id, bus_path=bus_path,
                            verify_device=verify_device, sensor_check=sensor_check)
    if backend == "simulated":
        return SimulatedCamera(scenario, width=width, height=height, fps=fps, watchdog_s=watchdog_s, sensor_check=sensor_check)
    raise CameraUnavailable(f"unknown camera back end {backend!r} (opencv or simulated)")

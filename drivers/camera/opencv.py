"""The OpenCV (V4L2) camera: a device index or path, resolution, fps, MJPG where offered.

Before it is opened, the device is checked against sysfs (`drivers.camera.v4l2.check`): a virtual
device, one not on USB, or a camera other than the configured `usb_id` / `bus_path` is refused
(`CameraRefused`). While it runs, a `SensorCheck` refuses a stream no sensor produces. Both guard
against injected video; `verify_device=False` (tests reading a video file) turns the first off.
"""

from __future__ import annotations

import logging
from pathlib import Path

import cv2

from drivers.camera import v4l2
from drivers.camera.base import CapturingCamera, Image, Source
from drivers.camera.errors import CameraUnavailable
from drivers.camera.sensor import SensorCheck

log = logging.getLogger("kiosk.camera")


class _VideoCaptureSource:
    def __init__(self, device: str, width: int, height: int, fps: int) -> None:
        target: int | str = int(device) if device.isdigit() else device
        # OpenCV prints its own warnings for a missing device; the error below says it once.
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
        self._cap = cv2.VideoCapture(target)
        if not self._cap.isOpened():
            self._cap.release()
            raise CameraUnavailable(f"no camera at {device!r} (not found or in use)")
        # MJPG lets USB 2 cameras deliver 640x480 at 30 fps; drivers that lack it ignore the request.
        self._cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
        self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        self._cap.set(cv2.CAP_PROP_FPS, fps)
        self._cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        self._buffer: Image | None = None

    def read(self) -> Image | None:
        # Decode into one reused buffer (zeroed at close) rather than a new array per frame.
        ok, image = self._cap.read(self._buffer)
        if not ok or image is None:
            return None
        self._buffer = image
        return image

    def device_ts(self) -> float | None:
        """The driver's timestamp of the last frame, seconds (None when it gives none)."""
        ms = float(self._cap.get(cv2.CAP_PROP_POS_MSEC))
        return ms / 1000.0 if ms > 0 else None

    def close(self) -> None:
        self._cap.release()
        if self._buffer is not None:
            self._buffer.fill(0)


class OpenCvCamera(CapturingCamera):
    def __init__(
        self, device: str, width: int, height: int, fps: int, watchdog_s: float, *, usb_id: str = "", bus_path: str = "",
        verify_device: bool = True, sensor_check: bool = True, sysfs: Path | None = None,
    ) -> None:
        self.identity: v4l2.V4l2Identity | None = None

        def opener() -> Source:
            if verify_device:
                self.identity = v4l2.check(device, usb_id=usb_id, bus_path=bus_path, sysfs=sysfs or v4l2.SYSFS)
            return _VideoCaptureSource(device, width, height, fps)

        super().__init__(f"opencv:{device}", opener, watchdog_s, sensor=SensorCheck(fps) if sensor_check else None)

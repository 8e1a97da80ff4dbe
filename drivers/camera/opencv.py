"""The OpenCV (V4L2) camera: a device index or path, resolution, fps, MJPG where offered."""

from __future__ import annotations

import logging

import cv2

from drivers.camera.base import CapturingCamera, Image, Source
from drivers.camera.errors import CameraUnavailable

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

    def close(self) -> None:
        self._cap.release()
        if self._buffer is not None:
            self._buffer.fill(0)


class OpenCvCamera(CapturingCamera):
    def __init__(self, device: str, width: int, height: int, fps: int, watchdog_s: float) -> None:
        def opener() -> Source:
            return _VideoCaptureSource(device, width, height, fps)

        super().__init__(f"opencv:{device}", opener, watchdog_s)

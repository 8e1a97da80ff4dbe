"""The OpenCV back end (real cv2.VideoCapture) and the capture machinery with a blocking source."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from drivers.camera import CameraFrozen, CameraUnavailable, CapturingCamera, open_camera

WATCHDOG_S = 0.3


def test_no_device_is_unavailable_quickly(tmp_path: Path) -> None:
    cam = open_camera("opencv", device=str(tmp_path / "video9"), watchdog_s=WATCHDOG_S)
    start = time.monotonic()
    with pytest.raises(CameraUnavailable, match="no camera at"):
        cam.start()
    assert time.monotonic() - start < 5


def write_video(path: Path, frames: int) -> None:
    out = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30, (320, 240))
    assert out.isOpened()
    for i in range(frames):
        img = np.full((240, 320, 3), 40, np.uint8)
        cv2.putText(img, str(i), (100, 150), cv2.FONT_HERSHEY_SIMPLEX, 3, (255, 255, 255), 5)
        out.write(img)
    out.release()


def test_reads_a_device_path_and_reopens_after_the_stream_ends(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # A video file through the same VideoCapture path as /dev/videoN: when it ends, reads fail
    # like an unplugged camera's; the watchdog declares the fault and reopens it. (A file is no
    # V4L2 device: the kiosk refuses it unless the identity check is turned off, as here.)
    video = tmp_path / "clip.avi"
    write_video(video, 5)
    with pytest.raises(CameraUnavailable, match="no V4L2 device"):
        open_camera("opencv", device=str(video), watchdog_s=WATCHDOG_S).start()
    caplog.set_level(logging.WARNING, logger="kiosk.camera")
    with open_camera("opencv", device=str(video), watchdog_s=WATCHDOG_S, verify_device=False) as cam:
        first = cam.wait_frame(timeout_s=3)
        assert first.image.shape == (240, 320, 3)
        frame = first
        while frame.seq <= 5:  # the file holds 5 frames: a 6th means it was opened again
            frame = cam.wait_frame(frame.seq, timeout_s=10 * WATCHDOG_S)
    messages = [r.getMessage() for r in caplog.records]
    assert "camera frozen; reopening" in messages and "camera recovered" in messages


class BlockingSource:
    """A device whose read never returns after the first few frames (at once, once reopened)."""

    def __init__(self, release: threading.Event, frames: int) -> None:
        self.n = 3 - frames
        self.release = release
        self.closed = False

    def read(self) -> np.ndarray | None:
        self.n += 1
        if self.n > 3:
            self.release.wait()
            return None
        time.sleep(0.01)
        return np.full((48, 64, 3), self.n, np.uint8)

    def close(self) -> None:
        self.closed = True


def test_a_source_that_blocks_gives_a_frozen_error_within_bounded_time() -> None:
    release = threading.Event()
    sources: list[BlockingSource] = []

    def opener() -> BlockingSource:
        sources.append(BlockingSource(release, 3 if not sources else 0))
        return sources[-1]

    cam = CapturingCamera("blocking", opener, WATCHDOG_S)
    try:
        with cam:
            f = cam.wait_frame()
            while f.seq < 3:
                f = cam.wait_frame(f.seq)
            start = time.monotonic()
            with pytest.raises(CameraFrozen, match="frozen"):
                cam.wait_frame(f.seq, timeout_s=3 * WATCHDOG_S)
            assert time.monotonic() - start < 4 * WATCHDOG_S
            assert len(sources) >= 2  # the watchdog reopened without waiting for the stuck read
    finally:
        release.set()
    time.sleep(0.1)
    assert sources[0].closed  # the abandoned reader closed its device once the read returned

"""The guard against injected video: only the configured physical camera is opened (a fake
/sys/class/video4linux tree), and a stream no sensor produces is refused while it runs."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from drivers.camera import CameraRefused, CameraUnavailable, OpenCvCamera, SimulatedCamera, v4l2
from drivers.camera.sensor import WINDOW, SensorCheck
from tests.drivers.camera import fake_sysfs


@pytest.fixture
def sysfs(tmp_path: Path) -> Path:
    return fake_sysfs.build(tmp_path)


def test_the_usb_webcam_is_identified_with_its_ids_and_port(sysfs: Path) -> None:
    cam = v4l2.identify("/dev/video0", sysfs)
    assert (cam.usb_id, cam.bus_path, cam.driver, cam.virtual) == ("046d:0825", "usb-0000:00:14.0-2", "uvcvideo", False)
    assert v4l2.identify("3", sysfs).bus_path == "usb-0000:00:14.0-1.3"  # behind a hub on port 1
    assert v4l2.check("0", usb_id="046D:0825", bus_path="usb-0000:00:14.0-2", sysfs=sysfs).name == "HD Webcam C270"
    assert v4l2.check("/dev/video3", sysfs=sysfs).usb_id == "0c45:6366"  # nothing pinned: any USB camera


@pytest.mark.parametrize(
    ("device", "pins", "reason"),
    [
        ("/dev/video1", {}, "virtual device, through which video can be injected"),  # v4l2loopback
        ("/dev/video2", {}, "virtual device"),  # vivid, the kernel's test driver
        ("/dev/video3", {"usb_id": "046d:0825"}, "not the configured camera (devices.camera.usb_id = 046d:0825)"),
        ("/dev/video0", {"bus_path": "usb-0000:00:14.0-1.3"}, "not on the configured port"),
    ],
)
def test_other_devices_are_refused_with_the_reason(sysfs: Path, device: str, pins: dict[str, str], reason: str) -> None:
    with pytest.raises(CameraRefused, match="refused") as caught:
        v4l2.check(device, sysfs=sysfs, **pins)
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_node_or_a_file_is_no_camera(sysfs: Path, tmp_path: Path) -> None:
    with pytest.raises(CameraUnavailable, match="no camera at '/dev/video7'"):
        v4l2.identify("/dev/video7", sysfs)
    clip = tmp_path / "clip.avi"
    clip.write_bytes(b"")
    with pytest.raises(CameraUnavailable, match="no camera at"):
        v4l2.check(str(clip), sysfs=sysfs)


def test_the_opencv_camera_refuses_a_loopback_device_before_opening_it(sysfs: Path) -> None:
    cam = OpenCvCamera("/dev/video1", 640, 480, 30, 0.3, sysfs=sysfs)
    with pytest.raises(CameraRefused, match="virtual device"):
        cam.start()


def frames(n: int, *, noise: bool, moving: bool = True, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    base = np.tile(np.linspace(60, 190, 320, dtype=np.float32), (240, 1))
    out = []
    for i in range(n):
        image = base.copy()
        if moving:
            image[100:140, 10 + 5 * i : 50 + 5 * i] = 30  # something moves across a still background
        if noise:
            image += rng.normal(0, 1.5, image.shape)
        out.append(np.clip(image, 0, 255).astype(np.uint8))
    return out


def judge(images: list[np.ndarray], times: list[float], repeats: set[int] = frozenset()) -> str | None:  # type: ignore[assignment]
    check = SensorCheck(30)
    for i, (image, t) in enumerate(zip(images, times, strict=True)):
        check.observe(image, t, repeat=i in repeats)
    return check.verdict


def test_a_sensors_stream_is_plausible() -> None:
    n = 2 * WINDOW
    assert judge(frames(n, noise=True), [i / 30 for i in range(n)]) is None
    # frames delayed and then read back to back (a busy machine) are no fault either
    times = [i / 30 + (0.05 if i % 10 == 5 else 0.0) for i in range(n)]
    assert judge(frames(n, noise=True), times) is None


def test_a_decoded_video_without_noise_is_refused() -> None:
    n = 2 * WINDOW
    verdict = judge(frames(n, noise=False), [i / 30 for i in range(n)])
    assert verdict is not None and "no sensor noise" in verdict


def test_frames_faster_than_the_mode_are_refused() -> None:
    n = 2 * WINDOW
    verdict = judge(frames(n, noise=True), [i / 120 for i in range(n)])
    assert verdict is not None and "faster than the 30 fps" in verdict


def test_repeats_between_new_frames_are_refused_but_a_freeze_is_left_to_the_watchdog() -> None:
    n = 2 * WINDOW
    images, times = frames(n, noise=True), [i / 30 for i in range(n)]
    every_sixth = {i for i in range(n) if i % 6 == 5}  # a 25 fps video on a 30 fps link
    verdict = judge(images, times, every_sixth)
    assert verdict is not None and "repeated between new ones" in verdict
    frozen_tail = set(range(WINDOW, n))  # new frames, then only the last one again and again
    assert judge(images, times, frozen_tail) is None


def test_device_timestamps_going_backwards_are_refused() -> None:
    check = SensorCheck(30)
    images = frames(3, noise=True)
    check.observe(images[0], 0.0, repeat=False, device_ts=10.0)
    check.observe(images[1], 0.033, repeat=False, device_ts=10.033)
    assert check.observe(images[2], 0.066, repeat=False, device_ts=10.010) is not None


def test_an_injected_video_is_refused_while_the_sensor_stream_passes() -> None:
    with SimulatedCamera("genuine", watchdog_s=1.0) as cam:
        frame = cam.wait_frame()
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:  # two windows of genuine sensor frames
            frame = cam.wait_frame(frame.seq)
        assert cam.fault is None
        cam.inject()
        with pytest.raises(CameraRefused, match="refused: (frames repeated|no sensor noise)"):
            for _ in range(200):
                frame = cam.wait_frame(frame.seq)
        assert cam.fault is not None and cam.fault.startswith("refused")
        assert cam.latest() is None  # nothing of the refused stream is left to analyse
    with SimulatedCamera("genuine", watchdog_s=1.0, sensor_check=False) as cam:
        cam.inject()
        frame = cam.wait_frame()
        for _ in range(60):
            frame = cam.wait_frame(frame.seq)
        assert cam.fault is None

"""The simulated camera: frames like a sensor's, prompts followed, scenarios, faults in bounded time."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from drivers.camera import CameraFrozen, CameraUnavailable, SimulatedCamera, open_camera
from drivers.camera.simulated import Person, empty_booth, load_scene

WATCHDOG_S = 0.3


def near(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.abs(a.astype(int) - b).mean() < 2)


def test_delivers_fresh_frames_with_timestamps() -> None:
    with open_camera("simulated", scenario="genuine", fps=30, watchdog_s=WATCHDOG_S) as cam:
        first = cam.wait_frame()
        second = cam.wait_frame(first.seq)
        assert first.image.shape == (480, 640, 3) and first.image.dtype == np.uint8
        assert second.seq > first.seq and second.ts > first.ts
        assert not np.array_equal(first.image, second.image)  # sensor noise, like hardware
        assert cam.fault is None
        assert cam.name.startswith("simulated:")


def test_latest_keeps_only_the_newest_frame() -> None:
    with open_camera("simulated", scenario="no_face", fps=60, watchdog_s=WATCHDOG_S) as cam:
        cam.wait_frame()
        time.sleep(0.2)
        a = cam.latest()
        assert a is not None and a.seq >= 5  # frames kept coming; only the last one is held
        assert time.monotonic() - a.ts < 0.1


def test_genuine_follows_prompts_and_the_printed_photo_does_not() -> None:
    image, meta = load_scene("person_a.jpg")
    eye = meta["left_eye"]
    x0, x1 = int(min(p[0] for p in eye)), int(max(p[0] for p in eye))  # type: ignore[union-attr]
    y0, y1 = int(min(p[1] for p in eye)), int(max(p[1] for p in eye))  # type: ignore[union-attr]
    person = Person(image, meta, follows=True)
    assert person.render("blink", 0.0, 0.1) is image  # still reacting
    closed = person.render("blink", 0.0, 0.4)
    assert np.abs(closed[y0:y1, x0:x1].astype(int) - image[y0:y1, x0:x1]).mean() > 10
    assert person.render("blink", 0.0, 0.8) is image  # the eyes open again
    left, right = person.render("turn_left", 0.0, 1.0), person.render("turn_right", 0.0, 1.0)
    assert not np.array_equal(left, image) and not np.array_equal(left, right)
    photo = Person(image, meta, follows=False)
    assert all(photo.render(c, 0.0, 1.0) is image for c in ("blink", "turn_left", "turn_right"))


def test_perform_reaches_the_frames_of_a_running_camera() -> None:
    with SimulatedCamera("genuine", watchdog_s=WATCHDOG_S) as cam:
        neutral = cam.wait_frame().image.copy()
        cam.perform("turn_left")
        time.sleep(0.7)
        turned = cam.wait_frame(cam.latest().seq).image  # type: ignore[union-attr]
        assert np.abs(turned.astype(int) - neutral).mean() > 3
        cam.perform(None)
        time.sleep(0.2)
        back = cam.wait_frame(cam.latest().seq).image  # type: ignore[union-attr]
        assert np.abs(back.astype(int) - neutral).mean() < 2  # only sensor noise differs


def test_set_scenario_while_running() -> None:
    booth = empty_booth(640, 480)
    with SimulatedCamera("genuine", watchdog_s=WATCHDOG_S) as cam:
        cam.wait_frame()
        cam.set_scenario("no_face")
        time.sleep(0.1)
        frame = cam.wait_frame(cam.latest().seq)  # type: ignore[union-attr]
        assert np.abs(frame.image.astype(int) - booth).mean() < 2
        assert cam.scenario == "no_face"


def test_file_and_scripted_sequence(tmp_path: Path) -> None:
    red, blue = np.zeros((240, 320, 3), np.uint8), np.zeros((240, 320, 3), np.uint8)
    red[:, :, 2], blue[:, :, 0] = 200, 200
    cv2.imwrite(str(tmp_path / "red.png"), red)
    cv2.imwrite(str(tmp_path / "blue.png"), blue)
    with SimulatedCamera(tmp_path / "red.png", watchdog_s=WATCHDOG_S) as cam:
        img = cam.wait_frame().image
        assert img.shape == (480, 640, 3) and img[..., 2].mean() > 190
    with SimulatedCamera([tmp_path / "red.png", tmp_path / "blue.png"], hold_s=0.2, watchdog_s=WATCHDOG_S) as cam:
        colours = set()
        deadline = time.monotonic() + 2
        seq = -1
        while len(colours) < 2 and time.monotonic() < deadline:
            f = cam.wait_frame(seq)
            seq = f.seq
            colours.add("red" if f.image[..., 2].mean() > f.image[..., 0].mean() else "blue")
        assert colours == {"red", "blue"}


def test_missing_file_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(CameraUnavailable, match="does not exist"):
        SimulatedCamera(tmp_path / "nope.jpg")


def test_frozen_frames_are_a_fault_within_bounded_time_and_recover() -> None:
    with SimulatedCamera("genuine", watchdog_s=WATCHDOG_S) as cam:
        cam.wait_frame()
        cam.freeze()
        start = time.monotonic()
        with pytest.raises(CameraFrozen, match="frozen"):
            while True:
                cam.wait_frame(cam.latest().seq, timeout_s=3 * WATCHDOG_S)  # type: ignore[union-attr]
        assert time.monotonic() - start < 6 * WATCHDOG_S
        assert cam.fault is not None and cam.fault.startswith("frozen")
        cam.freeze(False)
        cam.wait_frame(cam.latest().seq if cam.latest() else -1, timeout_s=4 * WATCHDOG_S)  # type: ignore[union-attr]
        assert cam.fault is None


def test_a_read_that_blocks_is_a_fault_within_bounded_time() -> None:
    with SimulatedCamera("genuine", watchdog_s=WATCHDOG_S) as cam:
        seq = cam.wait_frame().seq
        cam.block()
        time.sleep(0.1)
        seq = cam.latest().seq  # type: ignore[union-attr]
        start = time.monotonic()
        with pytest.raises(CameraFrozen):
            cam.wait_frame(seq, timeout_s=3 * WATCHDOG_S)
        assert time.monotonic() - start < 4 * WATCHDOG_S
        assert cam.fault is not None and cam.fault.startswith("frozen")
        cam.block(False)
        cam.wait_frame(seq, timeout_s=4 * WATCHDOG_S)
        assert cam.fault is None


def test_unplugged_camera_is_unavailable_until_plugged_back() -> None:
    with SimulatedCamera("genuine", watchdog_s=WATCHDOG_S) as cam:
        cam.wait_frame()
        cam.unplug()
        deadline = time.monotonic() + 6 * WATCHDOG_S
        while not (cam.fault or "").startswith("unavailable") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (cam.fault or "").startswith("unavailable")
        with pytest.raises(CameraUnavailable, match="unplugged"):
            cam.wait_frame(cam.latest().seq, timeout_s=WATCHDOG_S)  # type: ignore[union-attr]
        cam.unplug(False)
        cam.wait_frame(cam.latest().seq, timeout_s=6 * WATCHDOG_S)  # type: ignore[union-attr]
        assert cam.fault is None
    with SimulatedCamera("genuine") as cam2:
        cam2.unplug()
    cam3 = SimulatedCamera("genuine")
    cam3.unplug()
    with pytest.raises(CameraUnavailable):
        cam3.start()


def test_wipe_zeroes_the_latest_frame() -> None:
    with SimulatedCamera("genuine", watchdog_s=WATCHDOG_S) as cam:
        frame = cam.wait_frame()
        cam.stop()
        last = cam.latest()
        assert last is not None
        cam.wipe()
        assert cam.latest() is None and not last.image.any()
        assert frame.seq >= 1


def test_other_resolutions_scale_the_scene() -> None:
    with open_camera("simulated", scenario="genuine", width=320, height=240, watchdog_s=WATCHDOG_S) as cam:
        assert cam.wait_frame().image.shape == (240, 320, 3)


def test_frame_buffers_are_a_ring_owned_by_the_camera() -> None:
    with SimulatedCamera("genuine", watchdog_s=WATCHDOG_S) as cam:
        frames = [cam.wait_frame()]
        while len(frames) < 6:
            frames.append(cam.wait_frame(frames[-1].seq))
        buffers = {id(f.image) for f in frames}
        assert len(buffers) <= 4  # reused, not a new array per frame
        cam.stop()  # nothing new lands in the ring while we look
        cam.wipe()
        assert all(not f.image.any() for f in frames)

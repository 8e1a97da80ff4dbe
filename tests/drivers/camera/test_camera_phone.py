"""The simulated camera's phone: a real QR code (read back by zxing-cpp, an independent decoder)
drawn into the frames, shown from a given moment, with glare, blur, rotation and distance that
change the pixels the way they should; the text never reaches a log."""

from __future__ import annotations

import logging
import math
import time

import cv2
import numpy as np
import pytest
import zxingcpp

from drivers.camera import SimulatedCamera
from drivers.camera.phone import PHONE_W_PX, PhoneLayer, PhoneShot, qr_modules
from drivers.camera.simulated import empty_booth, load_scene

TEXT = "TRA1:q7Xw-0bZ_k3LmN8pR2sT4v"
WATCHDOG_S = 0.3


def read(image: np.ndarray) -> list[str]:
    return [b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def width(corners: np.ndarray) -> float:
    return float(np.linalg.norm(corners[1] - corners[0]))


def test_the_code_on_the_phone_is_a_real_qr_code_read_back_by_an_independent_decoder() -> None:
    scene, _ = load_scene("person_a.jpg")
    layer = PhoneLayer(PhoneShot(TEXT), 640, 480)
    frame = layer.over(scene)
    assert frame.shape == scene.shape and frame is not scene
    assert read(frame) == [TEXT]
    assert read(scene) == []
    # The app's request is version 3 at error correction M (29 modules), about 3 px a module.
    assert qr_modules(TEXT).shape == (29, 29)
    assert 2.7 <= width(layer.code_corners) / 29 <= 3.5


def test_the_phone_is_drawn_over_the_scene_and_nowhere_else() -> None:
    scene, _ = load_scene("person_a.jpg")
    layer = PhoneLayer(PhoneShot(TEXT), 640, 480)
    frame = layer.over(scene)
    x0, y0, x1, y1 = layer.box
    outside = np.ones(scene.shape[:2], bool)
    outside[y0:y1, x0:x1] = False
    assert np.array_equal(frame[outside], scene[outside])
    assert np.abs(frame[y0:y1, x0:x1].astype(int) - scene[y0:y1, x0:x1]).mean() > 30
    # Phone-shaped: about 126 px wide, twice as tall (plus the hand under it).
    assert 0.9 * PHONE_W_PX <= x1 - x0 <= 1.6 * PHONE_W_PX and y1 - y0 > 2 * PHONE_W_PX


def test_scale_rotation_and_tilt_move_the_code_as_a_held_phone_would() -> None:
    near = PhoneLayer(PhoneShot(TEXT), 640, 480).code_corners
    far = PhoneLayer(PhoneShot(TEXT, scale=0.5), 640, 480).code_corners
    assert width(far) == pytest.approx(width(near) / 2, rel=0.08)
    turned = PhoneLayer(PhoneShot(TEXT, rotation=20), 640, 480).code_corners
    dx, dy = turned[1] - turned[0]
    assert math.degrees(math.atan2(-dy, dx)) == pytest.approx(20, abs=1)  # counter-clockwise on screen
    tilted = PhoneLayer(PhoneShot(TEXT, tilt=30), 640, 480).code_corners
    left, right = np.linalg.norm(tilted[3] - tilted[0]), np.linalg.norm(tilted[2] - tilted[1])
    assert right > left * 1.05  # the right side comes nearer and looks taller


def test_glare_saturates_part_of_the_code_and_blur_softens_it() -> None:
    booth = empty_booth(640, 480)

    def code_region(shot: PhoneShot) -> np.ndarray:
        layer = PhoneLayer(shot, 640, 480)
        c = layer.code_corners.astype(int)
        grey = cv2.cvtColor(layer.over(booth), cv2.COLOR_BGR2GRAY)
        return grey[c[:, 1].min() : c[:, 1].max(), c[:, 0].min() : c[:, 0].max()].astype(int)

    sharp, glared = code_region(PhoneShot(TEXT)), code_region(PhoneShot(TEXT, glare=0.3))
    assert (sharp >= 250).mean() < 0.01 and (glared >= 250).mean() > 0.1
    blurred = code_region(PhoneShot(TEXT, blur=8))
    steps = [float(np.abs(np.diff(r, axis=1)).mean()) for r in (sharp, blurred)]
    assert steps[1] < 0.6 * steps[0]


def test_a_phone_outside_the_frame_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        PhoneLayer(PhoneShot(TEXT, centre=(3.0, 3.0)), 640, 480)


def test_show_phone_puts_it_in_the_frames_from_the_moment_given_and_hide_phone_takes_it_away() -> None:
    with SimulatedCamera("genuine", watchdog_s=WATCHDOG_S) as cam:
        assert cam.phone_since is None
        appears = cam.show_phone(TEXT, after_s=0.4)
        assert cam.phone_since == appears and appears > time.monotonic()
        before = cam.wait_frame()
        assert before.ts < appears and read(before.image) == []
        seq = before.seq
        while (frame := cam.wait_frame(seq)).ts < appears + 0.05:
            seq = frame.seq
        assert read(frame.image) == [TEXT]  # with the camera's sensor noise on top
        cam.hide_phone()
        assert cam.phone_since is None
        time.sleep(0.1)
        after = cam.wait_frame(cam.latest().seq)  # type: ignore[union-attr]
        assert read(after.image) == []


def test_the_phone_goes_with_any_scenario_and_the_scenarios_stay_as_they_were() -> None:
    booth = empty_booth(640, 480)
    with SimulatedCamera("no_face", watchdog_s=WATCHDOG_S) as cam:
        cam.wait_frame()
        cam.show_phone(TEXT, scale=0.8)
        time.sleep(0.1)
        assert read(cam.wait_frame(cam.latest().seq).image) == [TEXT]  # type: ignore[union-attr]
        cam.hide_phone()
        time.sleep(0.1)
        frame = cam.wait_frame(cam.latest().seq)  # type: ignore[union-attr]
        assert np.abs(frame.image.astype(int) - booth).mean() < 2  # only sensor noise differs


def test_the_phone_passes_the_sensor_check() -> None:
    with SimulatedCamera("genuine", watchdog_s=WATCHDOG_S) as cam:
        cam.show_phone(TEXT)
        seq = -1
        for _ in range(45):  # more than the sensor check's window
            seq = cam.wait_frame(seq).seq
        assert cam.fault is None


def test_the_text_never_reaches_a_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with SimulatedCamera("genuine", watchdog_s=WATCHDOG_S) as cam:
        cam.show_phone(TEXT, glare=0.1)
        cam.wait_frame()
        cam.hide_phone()
    assert any("phone" in r.getMessage() for r in caplog.records)  # the log says what happened
    for r in caplog.records:
        assert TEXT not in r.getMessage() and TEXT not in str(vars(r))

"""Finding a phone's lit screen without decoding: its size follows the distance, and bright things
that are not a phone showing something (a blank screen, a lamp, a poster) are not taken for one."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from kiosk.app_scan.screen import MIN_SCREEN_PX, find_screen
from tests.kiosk.app_scan.conftest import Shoot, scene, with_noise

TEXT = "TRA1:hS75Tn2LXL813LQVyv8rfQ"


def grey(image: np.ndarray) -> np.ndarray:
    out: np.ndarray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return out


@pytest.mark.parametrize("scale", [1.0, 0.7, 0.5, 0.35])
def test_the_screen_found_is_as_wide_as_the_phone_held(shoot: Shoot, scale: float) -> None:
    frame, layer = shoot(TEXT, scale=scale)
    screen = find_screen(grey(frame))
    assert screen is not None
    assert screen.width_px == pytest.approx(116 * scale, rel=0.12)  # the phone's 126 px less its bezel
    assert (screen.guidance == "move_closer") == (screen.width_px < MIN_SCREEN_PX)
    x0, y0, x1, y1 = layer.box
    assert all(x0 - 4 <= x <= x1 + 4 and y0 - 4 <= y <= y1 + 4 for x, y in screen.quad)


def test_a_sharp_code_is_measured_sharp_and_a_moving_one_blurred(shoot: Shoot) -> None:
    sharp = find_screen(grey(shoot(TEXT)[0]))
    moving = find_screen(grey(shoot(TEXT, blur=10)[0]))
    assert sharp is not None and moving is not None
    assert sharp.edge_px < moving.edge_px
    assert sharp.guidance is None and moving.guidance == "hold_still"


def test_glare_is_measured_on_the_screen(shoot: Shoot) -> None:
    clean = find_screen(grey(shoot(TEXT)[0]))
    glared = find_screen(grey(shoot(TEXT, glare=0.3)[0]))
    assert clean is not None and glared is not None
    assert clean.glare < 0.01 and glared.glare > 0.1


def blank_booth_with(draw: str) -> np.ndarray:
    image = scene("empty_booth").copy()
    if draw == "blank_phone_screen":  # lit, phone-shaped, nothing on it
        cv2.rectangle(image, (250, 150), (366, 370), (240, 240, 240), -1)
    elif draw == "lamp":  # saturated, phone-shaped, nothing on it
        cv2.rectangle(image, (250, 150), (366, 370), (255, 255, 255), -1)
    elif draw == "square_poster":  # lit and with content, but square
        cv2.rectangle(image, (220, 140), (420, 340), (240, 240, 240), -1)
        for i in range(8):
            cv2.rectangle(image, (240 + 22 * i, 160), (250 + 22 * i, 320), (20, 20, 20), -1)
    return with_noise(image, seed=5)


@pytest.mark.parametrize("draw", ["blank_phone_screen", "lamp", "square_poster"])
def test_bright_things_that_are_not_a_phone_showing_something_are_not_a_screen(draw: str) -> None:
    assert find_screen(grey(blank_booth_with(draw))) is None

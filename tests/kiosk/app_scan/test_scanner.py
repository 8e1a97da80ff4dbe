"""The app-QR scanner on frames of the simulated camera's phone: what a citizen shows is read,
whatever it says (checking it is the caller's business); when nothing can be read, the guidance
names the cause; nothing read ever reaches a log."""

from __future__ import annotations

import binascii
import logging
import subprocess
import sys
import threading
import time
from typing import get_args

import numpy as np
import pytest
import zxingcpp

from drivers.camera import SimulatedCamera
from kiosk.app_scan import (
    HINTS,
    NOTHING,
    AppQrScanner,
    FrameUnreadable,
    Guidance,
    ScanFailed,
    ScanResult,
    hint,
)
from tests.kiosk.app_scan.conftest import Shoot, scene, with_noise

REQUESTS = ("TRA1:cyHNlQYEmi4Z-OpuE12W2w", "TRA1:hS75Tn2LXL813LQVyv8rfQ", "TRA1:_Rk0MH0MIPIyGDAGLT3Jlw")
REQUEST = REQUESTS[0]


def promptpay(amount: str) -> str:
    """A Thai QR payment (EMVCo merchant-presented, PromptPay to a phone number), CRC included."""
    fields = "000201" "010212" "29370016A000000677010111" "01130066812345678" "5303764"
    body = f"{fields}54{len(amount):02d}{amount}5802TH6304"
    return body + format(binascii.crc_hqx(body.encode(), 0xFFFF), "04X")


@pytest.fixture
def scanner() -> AppQrScanner:
    return AppQrScanner()


def corners_near(box: object, expected: np.ndarray, tolerance: float) -> bool:
    got = np.array(box, dtype=float)
    return got.shape == (4, 2) and all(np.linalg.norm(got - c, axis=1).min() <= tolerance for c in expected)


# -- what is read -------------------------------------------------------------------------------
@pytest.mark.parametrize("text", REQUESTS)
@pytest.mark.parametrize("scene_name", ["person_a.jpg", "person_b.jpg", "empty_booth"])
def test_a_sharp_phone_is_read(scanner: AppQrScanner, shoot: Shoot, text: str, scene_name: str) -> None:
    frame, layer = shoot(text, scene_name)
    result = scanner.scan(frame)
    assert result.text == text and result.guidance is None
    assert corners_near(result.box, layer.code_corners, tolerance=6)


@pytest.mark.parametrize(
    "condition",
    [
        {"blur": 3},  # a hand that shakes a little: one module's worth of motion
        {"glare": 0.1},  # a small reflection on the code
        {"rotation": 20},
        {"rotation": -20},
        {"rotation": 90},
        {"rotation": 180},  # in-plane rotation is never too much: QR codes read in any orientation
        {"tilt": 30},  # seen in perspective
        {"scale": 0.7},  # held about 43 cm away
        {"rotation": 20, "tilt": 20, "blur": 2},
    ],
    ids=str,
)
def test_a_phone_held_imperfectly_within_reason_is_still_read(scanner: AppQrScanner, shoot: Shoot, condition: dict[str, float]) -> None:
    for text in REQUESTS:
        result = scanner.scan(shoot(text, **condition)[0])
        assert result.text == text and result.guidance is None


@pytest.mark.parametrize(
    ("condition", "guidance"),
    [
        ({"scale": 0.35}, "move_closer"),  # about 85 cm away: ~1.1 px a module
        ({"scale": 0.25}, "move_closer"),
        ({"glare": 0.3}, "avoid_glare"),  # a reflection over a third of the code
        ({"glare": 0.45}, "avoid_glare"),
        ({"blur": 12}, "hold_still"),  # the phone moved by four modules during the exposure
        ({"blur": 9, "rotation": 20}, "hold_still"),
        ({"scale": 0.35, "glare": 0.3}, "move_closer"),  # the first cause to fix comes first
    ],
    ids=str,
)
def test_too_far_too_bright_or_too_blurred_is_not_read_and_the_guidance_says_why(
    scanner: AppQrScanner, shoot: Shoot, condition: dict[str, float], guidance: Guidance
) -> None:
    for text, scene_name in zip(REQUESTS, ("person_a.jpg", "person_b.jpg", "empty_booth"), strict=True):
        frame, layer = shoot(text, scene_name, **condition)
        result = scanner.scan(frame)
        assert result.text is None and result.guidance == guidance
        x0, y0, x1, y1 = layer.box
        xs, ys = zip(*result.box, strict=True)  # type: ignore[arg-type]
        assert x0 - 4 <= min(xs) and max(xs) <= x1 + 4 and y0 - 4 <= min(ys) and max(ys) <= y1 + 4  # the screen


@pytest.mark.parametrize("scene_name", ["person_a.jpg", "person_b.jpg", "empty_booth"])
def test_no_phone_no_text_no_guidance(scanner: AppQrScanner, scene_name: str) -> None:
    assert scanner.scan(with_noise(scene(scene_name), seed=7)) == NOTHING


def test_a_dark_mode_app_light_modules_on_dark_is_read(scanner: AppQrScanner, shoot: Shoot) -> None:
    frame, _ = shoot(REQUEST)
    assert scanner.scan(255 - frame).text == REQUEST


def test_a_grey_frame_is_read_like_a_colour_one(scanner: AppQrScanner, shoot: Shoot) -> None:
    frame, _ = shoot(REQUEST)
    assert scanner.scan(np.ascontiguousarray(frame[:, :, 1])).text == REQUEST


def test_of_two_phones_the_nearer_one_is_read(scanner: AppQrScanner, shoot: Shoot) -> None:
    from drivers.camera.phone import PhoneLayer, PhoneShot

    far = PhoneLayer(PhoneShot(REQUESTS[1], scale=0.7, centre=(0.2, 0.5)), 640, 480)
    near = PhoneLayer(PhoneShot(REQUESTS[2], scale=1.1, centre=(0.7, 0.55)), 640, 480)
    frame = with_noise(near.over(far.over(scene("person_a.jpg"))), seed=3)
    assert {b.text for b in zxingcpp.read_barcodes(frame)} == {REQUESTS[1], REQUESTS[2]}  # both are readable
    assert scanner.scan(frame).text == REQUESTS[2]


# -- foreign codes: read as they are, for the caller to refuse -----------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "https://example.com/login?next=%2Fpay&ref=TRA1:cyHNlQYEmi4Z-OpuE12W2w",  # a link
        promptpay("50.00"),  # a payment QR
        "TRA1:cyHNlQYEmi4Z-OpuE12W2",  # 21 characters
        "TRA1:cyHNlQYEmi4Z-OpuE12W2w2",  # 23 characters
        "TRA1:cyHNlQYEmi4Z+OpuE12W2w",  # a character outside base64url
        "tra1:cyHNlQYEmi4Z-OpuE12W2w",  # the prefix in lower case
        " TRA1:cyHNlQYEmi4Z-OpuE12W2w",  # a space before
        "TRK1:6BFOXN*TS0BI$ZDFRH",  # the kiosk's own token prefix
        "ลงทะเบียนแอปทางรัฐ",  # Thai text (UTF-8)
    ],
    ids=["url", "promptpay", "short", "long", "bad_char", "lower_prefix", "space", "kiosk_token", "thai"],
)
def test_foreign_codes_are_read_exactly_as_they_are(scanner: AppQrScanner, shoot: Shoot, text: str) -> None:
    assert text != REQUEST
    result = scanner.scan(shoot(text)[0])
    assert result.text == text and result.guidance is None


def test_the_payment_qr_under_test_is_a_well_formed_one() -> None:
    payload = promptpay("50.00")
    assert payload.startswith("000201010212") and payload[-8:-4] == "6304"
    assert int(payload[-4:], 16) == binascii.crc_hqx(payload[:-4].encode(), 0xFFFF)


# -- nothing read reaches a log or a repr ------------------------------------------------------
def test_the_scanner_logs_nothing_of_what_it_reads(scanner: AppQrScanner, shoot: Shoot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    texts = [REQUEST, promptpay("120.00"), "https://example.com/?t=TRA1:hS75Tn2LXL813LQVyv8rfQ"]
    for text in texts:
        assert scanner.scan(shoot(text)[0]).text == text
        assert scanner.scan(shoot(text, blur=12)[0]).guidance == "hold_still"
    for record in caplog.records:
        logged = record.getMessage() + repr(vars(record))
        assert not any(t in logged for t in texts)
    assert not [r for r in caplog.records if r.name.startswith("kiosk.app_scan")]


def test_a_result_never_shows_its_text_in_its_repr(scanner: AppQrScanner, shoot: Shoot) -> None:
    result = scanner.scan(shoot(REQUEST)[0])
    assert result.text == REQUEST
    assert REQUEST not in repr(result) and REQUEST not in str(result) and "27 characters" in repr(result)
    assert repr(NOTHING) == "ScanResult(text=None, guidance=None, box=None)"


# -- errors --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "frame",
    [
        np.zeros((480, 640, 3), np.float32),
        np.zeros((480, 640, 4), np.uint8),
        np.zeros((0, 640, 3), np.uint8),
        [[0, 0], [0, 0]],
    ],
    ids=["float", "bgra", "empty", "list"],
)
def test_what_is_not_a_frame_is_refused_with_the_scanners_own_error(scanner: AppQrScanner, frame: object) -> None:
    with pytest.raises(FrameUnreadable):
        scanner.scan(frame)  # type: ignore[arg-type]


def test_a_decoder_failure_is_the_scanners_own_error_and_says_nothing_of_the_frame(
    scanner: AppQrScanner, shoot: Shoot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError(f"could not decode {REQUEST}")

    monkeypatch.setattr(zxingcpp, "read_barcodes", broken)
    with pytest.raises(ScanFailed) as caught:
        scanner.scan(shoot(REQUEST)[0])
    assert REQUEST not in str(caught.value) and caught.value.__cause__ is None


# -- threads and the camera --------------------------------------------------------------------
def test_threads_may_share_one_scanner(scanner: AppQrScanner, shoot: Shoot) -> None:
    frames = {text: shoot(text, rotation=10 * i)[0] for i, text in enumerate(REQUESTS)}
    wrong: list[str] = []

    def work(text: str) -> None:
        for _ in range(20):
            if scanner.scan(frames[text]).text != text:
                wrong.append(text)

    threads = [threading.Thread(target=work, args=(t,)) for t in REQUESTS for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []


def test_reads_the_phone_the_simulated_camera_shows_from_the_moment_it_appears(scanner: AppQrScanner) -> None:
    with SimulatedCamera("genuine", watchdog_s=0.5) as cam:
        appears = cam.show_phone(REQUEST, after_s=0.3, rotation=15)
        seq, read_in = -1, None
        deadline = time.monotonic() + 5
        while read_in is None and time.monotonic() < deadline:
            frame = cam.wait_frame(seq)
            seq = frame.seq
            result = scanner.scan(frame.image)
            if frame.ts < appears:
                assert result == NOTHING  # the citizen has not shown it yet
            elif result.text is not None:
                read_in = result
        assert read_in is not None and read_in.text == REQUEST


# -- guidance texts ------------------------------------------------------------------------------
def test_every_guidance_has_a_thai_and_an_english_text() -> None:
    assert set(get_args(Guidance)) == set(HINTS)
    for code in get_args(Guidance):
        message = hint(code)
        assert message.code == f"scan.hint.{code}" and message.th and message.en
        assert any("\u0e00" <= c <= "\u0e7f" for c in message.th)


def test_the_guidance_texts_load_without_the_decoder() -> None:
    code = "import sys, kiosk.app_scan.guidance; print(sorted(m for m in ('cv2', 'zxingcpp', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_result_is_a_plain_value() -> None:
    assert ScanResult(None, None, None) == NOTHING
    assert ScanResult("x", None, None) != NOTHING

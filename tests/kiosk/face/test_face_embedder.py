"""The embedding worker process: same descriptors as dlib in-process, restart after a lost
worker, a typed error when the replacement is lost too, explicit lifecycle, zeroed buffers."""

from __future__ import annotations

import os
import signal
from typing import Any

import cv2
import numpy as np
import pytest

from kiosk.config import FaceSection
from kiosk.face import matcher
from kiosk.face import models as face_models
from kiosk.face.analysis import Box, analyse
from kiosk.face.embedder import CHIP_PADDING, CHIP_SHAPE, CHIP_SIDE, Embedder
from kiosk.face.errors import FaceModelsUnavailable, FaceWorkerFailed

CFG = FaceSection()


def in_process_descriptor(models: Any, image: np.ndarray, box: Box) -> np.ndarray:
    """What the kiosk computed before the worker: dlib's ResNet in this process, on the full image."""
    dlib = face_models.dlib_module()
    encoder, _ = face_models.load_encoder()
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    shape = models.landmarks(rgb, dlib.rectangle(box.left, box.top, box.right, box.bottom))
    return np.array(encoder.compute_face_descriptor(rgb, shape), dtype=np.float64)


def face_chip(models: Any, image: np.ndarray) -> np.ndarray:
    dlib = face_models.dlib_module()
    box = analyse(models, image, CFG.detect_scale).face
    assert box is not None
    b = box.box
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    shape = models.landmarks(rgb, dlib.rectangle(b.left, b.top, b.right, b.bottom))
    chip: np.ndarray = dlib.get_face_chip(rgb, shape, size=CHIP_SIDE, padding=CHIP_PADDING)
    return chip


def gone(pid: int) -> bool:
    """True when the process no longer exists at all (a zombie still answers signal 0)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_worker_descriptors_and_distances_equal_dlib_in_process(
    models: Any, chip_jpeg: bytes, person_a: Any, person_b: Any
) -> None:
    big, chip_box = matcher.reference_face(models, matcher.decode(chip_jpeg))
    live_boxes = {}
    for name, (image, _) in {"a": person_a, "b": person_b}.items():
        face = analyse(models, image, CFG.detect_scale).face
        assert face is not None
        live_boxes[name] = (image, face.box)
    before = {"chip": in_process_descriptor(models, big, chip_box)}
    after = {"chip": matcher.embed(models, big, chip_box)}
    for name, (image, box) in live_boxes.items():
        before[name] = in_process_descriptor(models, image, box)
        after[name] = matcher.embed(models, image, box)
    for name in before:
        assert after[name].shape == (128,)
        np.testing.assert_allclose(after[name], before[name], rtol=0, atol=1e-6)
    for name in ("a", "b"):
        d_before = matcher.distance(before["chip"], before[name])
        d_after = matcher.distance(after["chip"], after[name])
        assert abs(d_after - d_before) <= 1e-6
    assert matcher.distance(after["chip"], after["a"]) < CFG.match_threshold < matcher.distance(after["chip"], after["b"])


def test_a_killed_worker_is_restarted_once_and_the_answer_is_the_same(models: Any, person_a: Any) -> None:
    chip = face_chip(models, person_a[0])
    with Embedder() as embedder:
        first = embedder.embed(chip)
        old = embedder.pid
        assert old is not None
        os.kill(old, signal.SIGKILL)
        again = embedder.embed(chip)
        assert embedder.restarts == 1
        assert embedder.pid not in (None, old)
        assert gone(old)  # reaped, not left as a zombie
        np.testing.assert_array_equal(again, first)


def test_a_worker_lost_twice_raises_the_typed_error_and_leaves_nothing_running(models: Any, person_a: Any) -> None:
    chip = face_chip(models, person_a[0])
    embedder = Embedder(request_timeout_s=1e-4)  # no descriptor takes 0.1 ms: every worker "hangs"
    try:
        embedder.wait_ready()
        first = embedder.pid
        with pytest.raises(FaceWorkerFailed, match="lost twice") as err:
            embedder.embed(chip)
        assert isinstance(err.value, FaceModelsUnavailable)  # the session maps it to a device fault
        assert embedder.restarts == 1 and embedder.pid is None
        assert first is not None and gone(first)
        # both sides' chip and descriptor slots are zero after the failed requests
        assert not embedder._chip.any() and not embedder._descriptor.any()
        # the next request starts afresh (a new session gets its own restart)
        embedder.request_timeout_s = 10.0
        assert embedder.embed(chip).shape == (128,)
    finally:
        embedder.stop()


def test_a_worker_that_cannot_start_in_time_is_a_typed_error() -> None:
    embedder = Embedder(start_timeout_s=1e-3)
    try:
        embedder.start()
        pid = embedder.pid
        with pytest.raises(FaceWorkerFailed, match="did not start"):
            embedder.wait_ready()
        assert embedder.pid is None
        assert pid is None or gone(pid)
    finally:
        embedder.stop()


def test_lifecycle_start_stop_context_manager_and_restart_after_stop(models: Any, person_a: Any) -> None:
    chip = face_chip(models, person_a[0])
    with Embedder() as embedder:
        assert embedder.pid is not None  # started by __enter__, before any request
        assert embedder.wait_ready() > 0
        pid = embedder.pid
    assert embedder.pid is None and pid is not None and gone(pid)
    embedder.stop()  # twice is fine
    try:
        assert embedder.embed(chip).shape == (128,)  # a later request starts a new worker
        assert embedder.pid not in (None, pid)
    finally:
        embedder.stop()
    assert embedder.pid is None


def test_the_shared_worker_is_stopped_by_close_and_started_again_by_load() -> None:
    loaded = face_models.load()
    pid = loaded.encoder.pid
    assert pid is not None
    face_models.close()
    assert loaded.encoder.pid is None and gone(pid)
    assert face_models.load() is loaded and loaded.encoder.pid not in (None, pid)


def test_the_worker_zeroes_the_shared_chip_before_it_answers(models: Any, person_a: Any) -> None:
    chip = face_chip(models, person_a[0])
    with Embedder() as embedder:
        embedder.wait_ready()
        # one request by hand, so the kiosk side does not zero the buffer before we look
        np.copyto(embedder._chip, chip)
        assert embedder._conn is not None
        embedder._conn.send("embed")
        assert embedder._conn.recv()[0] == "ok"
        assert not embedder._chip.any()
        assert embedder._descriptor.any()
        # and through the API the kiosk side zeroes the descriptor slot once copied out
        assert embedder.embed(chip).any()
        assert not embedder._chip.any() and not embedder._descriptor.any()


def test_a_chip_of_the_wrong_shape_is_refused_before_it_reaches_the_worker() -> None:
    embedder = Embedder()
    with pytest.raises(ValueError, match="face chip"):
        embedder.embed(np.zeros((100, 100, 3), np.uint8))
    with pytest.raises(ValueError, match="face chip"):
        embedder.embed(np.zeros(CHIP_SHAPE, np.float32))  # type: ignore[arg-type]
    assert embedder.pid is None

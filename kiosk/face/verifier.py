"""`FaceVerifier`: the face step of a session, fed one camera frame at a time.

    verifier = FaceVerifier(cfg.face)
    verifier.reference(chip_jpeg)          # raises ChipPhotoNoFace / ChipPhotoInvalid
    while (p := verifier.feed(camera.latest())).phase != "done":
        show(p.hint, p.challenge, p.seconds_left); camera.perform(p.challenge)  # simulated camera
    record(p.result); verifier.wipe()

An attempt: *positioning* until `stable_frames` consecutive frames pass the quality gate (they set
the citizen's baseline), then the capture is matched with the chip photo; then each randomised
*challenge* with its time limit; after each one, *matching* waits for the face to come back to
neutral and matches it with the chip photo again. The face is tracked from capture to the last
match (exactly one face, overlapping its previous position); losing it for `tracking_loss_s`
fails the attempt, so one person cannot do the challenge while another's photo is matched. After
`attempts` failed attempts the result fails with `face_mismatch` or `liveness_failed` (the reason
of the last attempt). Time is the frames' own monotonic timestamps.

Privacy: frames are analysed in the verifier's own buffers, and the chip photo is kept in a
bytearray; `wipe()` zeroes all of them and the embeddings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from drivers.camera.frame import Frame
from kiosk import logs
from kiosk.config import FaceSection
from kiosk.face import liveness, matcher, models, quality
from kiosk.face.analysis import Box, FaceObservation, Image, analyse
from kiosk.face.hints import Hint, hint
from kiosk.face.liveness import Baseline
from kiosk.face.matcher import Embedding
from kiosk.face.result import FaceResult, Failure, LivenessCause, LivenessResult

log = logs.get("face")

Phase = Literal["positioning", "challenge", "matching", "done"]
TRACK_MIN_IOU = 0.3


@dataclass(frozen=True)
class FaceProgress:
    phase: Phase
    hint: Hint | None = None
    challenge: str | None = None
    seconds_left: float | None = None
    result: FaceResult | None = None
    quality: quality.QualityReport | None = None


@dataclass
class _Attempt:
    challenges: list[str]
    index: int = 0
    good: list[FaceObservation] = field(default_factory=list)
    baseline: Baseline | None = None
    track: Box | None = None
    last_seen: float = 0.0
    deadline: float = 0.0
    distances: list[float] = field(default_factory=list)


class FaceVerifier:
    def __init__(self, cfg: FaceSection, *, rng: random.Random | None = None) -> None:
        self.cfg = cfg
        self._rng = rng or random.SystemRandom()
        self._models = models.load()
        self._chip = bytearray()
        self._chip_image: Image | None = None
        self._chip_embedding: Embedding | None = None
        self._grey: Image | None = None
        self._frame: Image | None = None
        self._phase: Phase = "positioning"
        self._attempts = 0
        self._cause: LivenessCause | None = None
        self._attempt = _Attempt(self._new_sequence())
        self._result: FaceResult | None = None
        self._retry_hint = False

    # -- set-up -------------------------------------------------------------------------------
    def reference(self, chip_jpeg: bytes | bytearray) -> None:
        """Take the chip photo (JPEG bytes) as the reference; raises ChipPhotoNoFace/ChipPhotoInvalid."""
        self._zero_chip()
        self._chip = bytearray(chip_jpeg)
        image = matcher.decode(self._chip)
        try:
            big, box = matcher.reference_face(self._models, image)
            self._chip_image = big
            self._chip_embedding = matcher.embed(self._models, big, box)
        finally:
            image.fill(0)

    @property
    def result(self) -> FaceResult | None:
        return self._result

    # -- the step -----------------------------------------------------------------------------
    def feed(self, frame: Frame) -> FaceProgress:
        if self._chip_embedding is None:
            raise RuntimeError("FaceVerifier.feed() before reference(): the chip photo is needed first")
        if self._phase == "done":
            return FaceProgress("done", result=self._result)
        image = self._buffer(frame.image)
        analysis = analyse(self._models, image, self.cfg.detect_scale, self._grey)
        report = quality.judge(self.cfg, analysis)
        if self._phase == "positioning":
            return self._positioning(frame.ts, image, report, analysis.face)
        return self._tracked(frame.ts, image, report, analysis.faces, analysis.face)

    def _positioning(
        self, ts: float, image: Image, report: quality.QualityReport, face: FaceObservation | None
    ) -> FaceProgress:
        a = self._attempt
        if not report.ok or face is None:
            a.good.clear()
            shown = hint("try_again") if self._retry_hint and report.reasons == ["no_face"] else report.hint
            return FaceProgress("positioning", hint=shown, quality=report)
        self._retry_hint = False
        a.good.append(face)
        if len(a.good) < self.cfg.stable_frames:
            return FaceProgress("positioning", quality=report)
        a.baseline = liveness.baseline(a.good)
        if not self._match(image, face.box):
            return self._fail("face_mismatch")
        a.track, a.last_seen = face.box, ts
        return self._start_challenge(ts)

    def _start_challenge(self, ts: float) -> FaceProgress:
        a = self._attempt
        self._phase = "challenge"
        a.deadline = ts + self.cfg.challenge_timeout_s
        challenge = a.challenges[a.index]
        return FaceProgress("challenge", hint=hint(challenge), challenge=challenge, seconds_left=self.cfg.challenge_timeout_s)

    def _tracked(
        self, ts: float, image: Image, report: quality.QualityReport, faces: list[Box], face: FaceObservation | None
    ) -> FaceProgress:
        a = self._attempt
        assert a.baseline is not None and a.track is not None
        challenge = a.challenges[a.index]
        same = face is not None and len(faces) == 1 and face.box.iou(a.track) >= TRACK_MIN_IOU
        if same and face is not None:
            a.track, a.last_seen = face.box, ts
        elif ts - a.last_seen > self.cfg.tracking_loss_s:
            log.info("face lost during the challenge", extra={"fields": {"challenge": challenge}})
            return self._fail("liveness_failed", "face_lost")
        if ts > a.deadline:
            log.info("liveness challenge timed out", extra={"fields": {"challenge": challenge, "phase": self._phase}})
            return self._fail("liveness_failed", "not_done")
        left = max(0.0, a.deadline - ts)
        if self._phase == "challenge":
            if same and face is not None and liveness.done(challenge, a.baseline, face, self.cfg):
                self._phase = "matching"
                a.deadline = ts + self.cfg.challenge_timeout_s
                return FaceProgress("matching", hint=hint("look_straight"), seconds_left=self.cfg.challenge_timeout_s)
            return FaceProgress("challenge", hint=hint(challenge), challenge=challenge, seconds_left=left, quality=report)
        # matching: wait for a good, neutral frame of the tracked face, then match it again
        if not (same and face is not None and report.ok and liveness.back_to_neutral(challenge, a.baseline, face, self.cfg)):
            return FaceProgress("matching", hint=report.hint or hint("look_straight"), seconds_left=left, quality=report)
        if not self._match(image, face.box):
            return self._fail("face_mismatch")
        a.index += 1
        if a.index < len(a.challenges):
            return self._start_challenge(ts)
        self._attempts += 1
        return self._finish(None)

    # -- decisions ----------------------------------------------------------------------------
    def _match(self, image: Image, box: Box) -> bool:
        assert self._chip_embedding is not None
        live = matcher.embed(self._models, image, box)
        try:
            d = matcher.distance(self._chip_embedding, live)
        finally:
            live.fill(0)
        self._attempt.distances.append(d)
        return d <= self.cfg.match_threshold

    def _fail(self, reason: Failure, cause: LivenessCause | None = None) -> FaceProgress:
        self._attempts += 1
        self._cause = cause
        log.info("face attempt failed", extra={"fields": {"reason_code": reason, "attempt": self._attempts}})
        if self._attempts >= self.cfg.attempts:
            return self._finish(reason)
        self._attempt = _Attempt(self._new_sequence())
        self._phase = "positioning"
        self._retry_hint = True
        return FaceProgress("positioning", hint=hint("try_again"))

    def _finish(self, failure: Failure | None) -> FaceProgress:
        a = self._attempt
        distance = max(a.distances) if a.distances else float("nan")
        live_passed = failure is None or (failure == "face_mismatch" and a.index >= len(a.challenges))
        self._result = FaceResult(
            method=matcher.METHOD,
            distance=round(distance, 4),
            threshold=self.cfg.match_threshold,
            match=bool(a.distances) and distance <= self.cfg.match_threshold,
            attempts=self._attempts,
            liveness=LivenessResult(liveness.METHOD, live_passed, list(a.challenges),
                                    self._cause if failure == "liveness_failed" else None),
            failure=failure,
        )
        self._phase = "done"
        log.info(
            "face step done",
            extra={"fields": {"match": self._result.match, "distance": self._result.distance, "failure": failure, "attempts": self._attempts}},
        )
        return FaceProgress("done", result=self._result)

    def _new_sequence(self) -> list[str]:
        return liveness.sequence(self.cfg.liveness_challenges, self._rng)

    # -- buffers ------------------------------------------------------------------------------
    def _buffer(self, image: Image) -> Image:
        """Copy the frame into the verifier's own buffer (zeroed by wipe())."""
        if self._frame is None or self._frame.shape != image.shape:
            self._zero_frames()
            self._frame = np.empty_like(image)
            self._grey = np.empty(image.shape[:2], dtype=np.uint8)
        np.copyto(self._frame, image)
        return self._frame

    def _zero_frames(self) -> None:
        for buf in (self._frame, self._grey):
            if buf is not None:
                buf.fill(0)

    def _zero_chip(self) -> None:
        self._chip[:] = bytes(len(self._chip))
        for arr in (self._chip_image, self._chip_embedding):
            if arr is not None:
                arr.fill(0)
        self._chip_image = None
        self._chip_embedding = None

    def wipe(self) -> None:
        """Zero the frames, the chip photo and the embeddings; the verifier can start a new session."""
        self._zero_frames()
        self._zero_chip()
        self._chip = bytearray()
        self._phase = "positioning"
        self._attempts = 0
        self._cause = None
        self._attempt = _Attempt(self._new_sequence())
        self._result = None
        self._retry_hint = False

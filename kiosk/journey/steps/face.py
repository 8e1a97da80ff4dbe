"""Face: live preview, guidance, liveness challenge and 1:1 match, run by the camera owner thread.

The camera starts as soon as the card checks pass; verification starts when the chip photo
(read in the background) is there too (`SetFaceReference`), whichever comes last.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.effects import Effect
from kiosk.journey.states import StateName as S

if TYPE_CHECKING:
    from kiosk.journey.machine import Flow

FACE_FAILURES: dict[str, tuple[str, str]] = {
    "face_mismatch": ("error.face_mismatch", "action.face_retry"),
    "liveness_failed": ("error.liveness_failed", "action.face_retry"),
}


def enter(f: Flow) -> list[Effect]:
    s = f.require_session()
    f.go(S.FACE, f.cfg.flow.face_timeout_s)
    s.face_started = True
    out: list[Effect] = [fx.StartFace()]
    if s.photo is not None:
        s.face_reference_sent = True
        out.append(fx.SetFaceReference(s.photo))
    return out


def photo_read(f: Flow, e: ev.ChipPhotoRead) -> list[Effect]:
    s = f.session
    if s is None or s.card is None:  # a late photo of an ended session: zero it at once
        e.jpeg[:] = bytes(len(e.jpeg))
        return []
    s.keep_photo(e.jpeg)
    if f.state == S.FACE and not s.face_reference_sent:
        s.face_reference_sent = True
        return [fx.SetFaceReference(s.photo)]  # type: ignore[arg-type]
    return []


def progressed(f: Flow, e: ev.FaceProgressed) -> list[Effect]:
    s = f.require_session()
    s.face_phase = e.phase
    s.face_hint = e.hint
    s.face_challenge = e.challenge
    s.face_seconds_left = e.seconds_left
    return []


def finished(f: Flow, e: ev.FaceFinished) -> list[Effect]:
    s = f.require_session()
    result: Any = e.result
    s.face_result = result
    failure = getattr(result, "failure", None)
    if bool(getattr(result, "match", False)) and failure is None:
        s.face_started = False
        f.go(S.PHONE)
        return [fx.StopFace()]
    reason = failure if failure in FACE_FAILURES else "face_mismatch"
    error, action = FACE_FAILURES[reason]
    return f.fail(reason, error, action)


def failed(f: Flow, e: ev.FaceFailed) -> list[Effect]:
    if e.reason == "chip_photo_no_face":
        return f.fail("card_invalid", "error.chip_photo", "action.call_help")
    return f.fail("device_fault", "error.device_fault", "action.try_later")

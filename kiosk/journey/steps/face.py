"""Face: live preview, guidance, liveness challenge and 1:1 match, run by the camera owner thread.

The camera starts as soon as the card checks pass; verification starts when the chip photo
(read in the background) is there too (`SetFaceReference`), whichever comes last.
"""

from __future__ import annotations

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.context import Journey
from kiosk.journey.effects import Effect
from kiosk.journey.endings import Ending
from kiosk.journey.moves import STAY, End, Go, Move, Stay
from kiosk.journey.states import StateName as S

LIVENESS_CAUSES: dict[str, Ending] = {
    "face_lost": Ending.LIVENESS_FACE_LOST,
    "not_done": Ending.LIVENESS_NOT_DONE,
}
FACE_FAILURES: dict[str, Ending] = {
    "face_mismatch": Ending.FACE_MISMATCH,
    "liveness_failed": Ending.LIVENESS_FAILED,
}


def enter(j: Journey) -> list[Effect]:
    """Entering FACE: start the camera, and verification too if the chip photo is already there."""
    s = j.require_session()
    s.face_started = True
    out: list[Effect] = [fx.StartFace()]
    if s.photo is not None:
        s.face_reference_sent = True
        out.append(fx.SetFaceReference(s.photo))
    return out


def photo_read(j: Journey, e: ev.ChipPhotoRead) -> Move:
    """The chip photo, in any state (it is read in the background)."""
    s = j.session
    if s is None or s.card is None:  # a late photo of an ended session: zero it at once
        e.jpeg[:] = bytes(len(e.jpeg))
        return STAY
    s.keep_photo(e.jpeg)
    if j.state == S.FACE and not s.face_reference_sent:
        s.face_reference_sent = True
        return Stay((fx.SetFaceReference(e.jpeg),))
    return STAY


def progressed(j: Journey, e: ev.FaceProgressed) -> Move:
    s = j.require_session()
    s.face_hint = e.hint
    s.face_challenge = e.challenge
    s.face_seconds_left = e.seconds_left
    return STAY


def finished(j: Journey, e: ev.FaceFinished) -> Move:
    s = j.require_session()
    s.evidence.face = e.result
    if e.result.match and e.result.failure is None:
        s.face_started = False
        return Go(S.PHONE, (fx.StopFace(),))
    if e.result.failure == "liveness_failed":  # said as what happened, per cause
        return End(LIVENESS_CAUSES.get(e.result.liveness.cause or "", Ending.LIVENESS_FAILED))
    return End(FACE_FAILURES.get(e.result.failure or "face_mismatch", Ending.FACE_MISMATCH))


def failed(j: Journey, e: ev.FaceFailed) -> Move:
    if e.reason == "chip_photo_no_face":
        return End(Ending.CHIP_PHOTO_NO_FACE)
    return End(Ending.DEVICE_FAULT)

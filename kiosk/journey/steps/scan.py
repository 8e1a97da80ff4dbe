"""The app's QR, read by the camera (the `app_scan` continuation, chosen on the service screen).

The citizen's app shows a binding-request QR (`TRA1:` + 22 base64url characters); the kiosk's top
camera reads it before consent, so the whole session is tied to that request from the start. The
runtime reads QR codes from the camera frames and passes on only a text that passed the strict
check (`AppQrSeen`); any other QR is `ForeignQrSeen`, its text dropped. Nothing personal is read
here: the frames are only searched for a QR and never kept.

When `flow.app_scan_timeout_s` passes without the QR, the screen asks "need more time?" for
`flow.countdown_s`: yes starts the time again, no (or no answer) ends the session. "I cannot show
the QR" carries on with the kiosk's own continuation (its QR or SMS link) instead.
"""

from __future__ import annotations

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.context import Journey
from kiosk.journey.effects import Effect
from kiosk.journey.endings import Ending
from kiosk.journey.moves import STAY, End, Go, Move, Stay
from kiosk.journey.states import StateName as S

FOREIGN_QR = "scan_app.foreign"
"""The notice shown when the camera read a QR that is not the app's."""


def enter(j: Journey) -> list[Effect]:
    s = j.require_session()
    s.scanning, s.scan_hint, s.asking_more_time = True, None, False
    return [fx.StartAppScan()]


def _leave(j: Journey) -> tuple[Effect, ...]:
    s = j.require_session()
    s.scanning, s.scan_hint, s.asking_more_time = False, None, False
    if FOREIGN_QR in j.notices:
        j.notices.remove(FOREIGN_QR)
    return (fx.StopAppScan(),)


def seen(j: Journey, e: ev.AppQrSeen) -> Move:
    s = j.require_session()
    s.evidence.app_request = e.text
    return Go(S.CONSENT, _leave(j))


def foreign(j: Journey, e: ev.ForeignQrSeen) -> Move:
    j.notice(FOREIGN_QR)
    return STAY


def guidance(j: Journey, e: ev.ScanGuidance) -> Move:
    j.require_session().scan_hint = e.hint
    return STAY


def failed(j: Journey, e: ev.AppScanFailed) -> Move:
    """No camera: the face step could not run either, so the session cannot be completed here."""
    return End(Ending.DEVICE_FAULT)


def skip(j: Journey, e: ev.SkipAppScan) -> Move:
    s = j.require_session()
    s.continuation = j.screen_continuation()
    return Go(S.CONSENT, _leave(j))


def time_up(j: Journey, e: ev.DeadlinePassed) -> Move:
    s = j.require_session()
    if s.asking_more_time:  # no answer to "need more time?"
        return End(Ending.APP_SCAN_TIMEOUT)
    s.asking_more_time = True
    j.deadline = j.now + j.cfg.flow.countdown_s
    return STAY


def more_time(j: Journey, e: ev.MoreTime) -> Move:
    s = j.require_session()
    if not s.asking_more_time:
        return STAY
    if not e.wanted:
        return End(Ending.APP_SCAN_TIMEOUT)
    s.asking_more_time = False
    j.deadline = j.now + j.cfg.flow.app_scan_timeout_s
    return Stay(())

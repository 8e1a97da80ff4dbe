"""Issuing, the result (QR or SMS notice), printing, "take your card", thank you, error screen.

Issuing: the card's citizen id and ATR are read again (`RecheckCard`); a missing or different card
aborts (`card_removed` / `card_swapped`). Then one storage-thread job signs the QR token (dga)
and writes the verified record to the outbox in one transaction (`IssueRecord` -> `Issued`).
On the QR screen a fresh token (new cti, same record id and display code) is asked for
`QR_REFRESH_MARGIN_S` before the shown one expires. The receipt prints in the background while the
result is on screen; a printer fault only adds the notice `notice.receipt_not_printed`.

The record is committed before the QR is shown and the receipt printed (that is what makes the
result crash-safe); while it is still pending in the outbox the runtime keeps it current: each
re-issued token's cti and expiry are written onto it before that token is shown
(`continuation.qr_cti`, the last one, as the spec asks), and the receipt's outcome once printed
(`receipt.printed`, `receipt.printer_state`). Once the sync process has claimed it, it keeps the
version it was sent with (see `kiosk.runtime.record_jobs.refresh_qr` / `note_receipt`).
"""

from __future__ import annotations

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.context import Journey
from kiosk.journey.effects import Effect
from kiosk.journey.endings import Ending
from kiosk.journey.moves import STAY, End, Go, Move, Stay
from kiosk.journey.states import StateName as S

QR_REFRESH_MARGIN_S = 15.0
"""Seconds before a QR token's expiry at which a fresh one is requested."""


def start_issuing(j: Journey) -> list[Effect]:
    """Entering ISSUING: read the card's id again before anything is signed."""
    j.require_session().rechecked = False
    return [fx.RecheckCard()]


def rechecked(j: Journey, e: ev.CardRechecked) -> Move:
    s = j.require_session()
    card = s.card
    if e.cid is None or e.atr is None:
        return End(Ending.CARD_REMOVED)
    if card is None or e.cid != card.cid or e.atr != card.atr:
        return End(Ending.CARD_SWAPPED)
    s.rechecked = True
    return Stay(tuple(j.issue_when_ready()))  # now, or when the registry has answered


def issued(j: Journey, e: ev.Issued) -> Move:
    s = j.require_session()
    s.record_id = e.record_id
    s.reference_code = e.reference_code
    j.printing = True
    receipt = fx.PrintReceipt(j.draft(Ending.VERIFIED), e.record_id)
    if j.continuation() == "app_scan":
        return Go(S.RESULT_APP, (receipt,))
    if e.qr is None:
        return Go(S.RESULT_SMS, (receipt,))
    _show_qr(j, e.qr)
    return Go(S.RESULT_QR, (receipt,))


def _show_qr(j: Journey, qr: ev.QrToken) -> None:
    s = j.require_session()
    s.qr = qr
    s.qr_refresh_pending = False
    s.qr_expires_mono = j.now + (qr.expires_at - j.wall().timestamp())


def issue_failed(j: Journey, e: ev.IssueFailed) -> Move:
    return End(Ending.OUTBOX_FULL if e.reason == "outbox_full" else Ending.ISSUE_FAILED)


def maybe_refresh_qr(j: Journey) -> list[Effect]:
    """On every tick of the QR screen: a fresh token shortly before the shown one expires."""
    s = j.session
    if s is None or s.qr is None or s.qr_expires_mono is None or s.record_id is None:
        return []
    if s.qr_refresh_pending or j.now < s.qr_expires_mono - QR_REFRESH_MARGIN_S:
        return []
    s.qr_refresh_pending = True
    return [fx.RefreshQr(s.record_id, s.purpose, s.qr.display_code)]


def qr_refreshed(j: Journey, e: ev.QrRefreshed) -> Move:
    _show_qr(j, e.qr)
    return STAY


def leave_result(j: Journey, e: ev.Done) -> Move:
    """Done on the result screen (or its time is up): the verified session ends normally."""
    return End(Ending.VERIFIED)


def receipt_printed(j: Journey, e: ev.ReceiptPrinted) -> Move:
    """The receipt's outcome, in any state (it prints behind the result screen)."""
    j.printing = False
    j.notice("notice.take_receipt" if e.printed else "notice.receipt_not_printed")
    return Go(j.after_session()) if j.state == S.PRINTING else STAY


def printing_timeout(j: Journey, e: ev.DeadlinePassed) -> Move:
    j.printing = False
    j.notice("notice.receipt_not_printed")
    return Go(j.after_session())


def take_card_reminder(j: Journey, e: ev.DeadlinePassed) -> Move:
    """The card stayed in the reader. First the reminder (red text, a beep that repeats), for
    `take_card_timeout_s`; then staff are alerted (`CardLeft`: log, technician screen, heartbeat)
    and the alarm grows louder. Taking the card ends both (`anytime.card_removed`)."""
    if not j.reminder:
        j.reminder = True
        j.deadline = j.now + j.cfg.flow.take_card_timeout_s
        return STAY
    j.card_left = True
    return Stay((fx.CardLeft(True),))


def to_idle(j: Journey, e: ev.Done | ev.Begin) -> Move:
    return Go(S.IDLE)


def error_done(j: Journey, e: ev.Done) -> Move:
    if j.card_present:
        return Go(S.TAKE_CARD)
    return Go(S.RATING if j.rating_record is not None else S.IDLE)


def rate(j: Journey, e: ev.Rate) -> Move:
    """A score from 1 to 5; it goes onto the record as the attract screen returns."""
    if not 1 <= e.score <= 5:
        return STAY
    j.rating = e.score
    return Go(S.IDLE)


def skip_rating(j: Journey, e: ev.Done) -> Move:
    """Skip, or the time is up: the record is made final without a rating."""
    return Go(S.IDLE)

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
version it was sent with (see `kiosk.runtime.adapters.refresh_qr` / `note_receipt`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.effects import Effect
from kiosk.journey.states import StateName as S

if TYPE_CHECKING:
    from kiosk.journey.machine import Flow

QR_REFRESH_MARGIN_S = 15.0
"""Seconds before a QR token's expiry at which a fresh one is requested."""


def enter_issuing(f: Flow) -> list[Effect]:
    from kiosk.journey.machine import ISSUE_WAIT_S

    s = f.require_session()
    s.rechecked = False
    f.go(S.ISSUING, ISSUE_WAIT_S)
    return [fx.RecheckCard()]


def rechecked(f: Flow, e: ev.CardRechecked) -> list[Effect]:
    s = f.require_session()
    card: Any = s.card
    if e.cid is None or e.atr is None:
        return f.abort("card_removed", "error.card_removed", "action.try_again")
    if e.cid != getattr(card, "cid", None) or e.atr != s.atr:
        return f.abort("card_swapped", "error.card_swapped", "action.use_own_card")
    s.rechecked = True
    return [fx.IssueRecord(f.draft("verified", None))]


def issued(f: Flow, e: ev.Issued) -> list[Effect]:
    s = f.require_session()
    s.record_id = e.record_id
    s.reference_code = e.reference_code
    draft = f.draft("verified", None)
    f.printing = True
    if e.qr is not None:
        _show_qr(f, e.qr)
        f.go(S.RESULT_QR, f.cfg.flow.result_timeout_s)
    else:
        f.go(S.RESULT_SMS, f.cfg.flow.result_timeout_s)
    qr = e.qr
    return [fx.PrintReceipt(draft, e.record_id, qr.text if qr else None, qr.expires_at if qr else None)]


def _show_qr(f: Flow, qr: ev.QrToken) -> None:
    s = f.require_session()
    s.qr = qr
    s.qr_refresh_pending = False
    s.qr_expires_mono = f.now + (qr.expires_at - f.wall().timestamp())


def issue_failed(f: Flow, e: ev.IssueFailed) -> list[Effect]:
    if e.reason == "outbox_full":
        return f.fail("device_fault", "error.issue_failed", "action.try_later")
    return f.fail("device_fault", "error.issue_failed", "action.call_help")


def maybe_refresh_qr(f: Flow) -> list[Effect]:
    s = f.session
    if s is None or s.qr is None or s.qr_expires_mono is None or s.record_id is None:
        return []
    if s.qr_refresh_pending or f.now < s.qr_expires_mono - QR_REFRESH_MARGIN_S:
        return []
    s.qr_refresh_pending = True
    return [fx.RefreshQr(s.record_id, s.purpose, s.qr.display_code)]


def qr_refreshed(f: Flow, e: ev.QrRefreshed) -> list[Effect]:
    _show_qr(f, e.qr)
    return []


def qr_seconds_left(f: Flow) -> int | None:
    s = f.session
    if s is None or s.qr_expires_mono is None:
        return None
    return max(0, math.ceil(s.qr_expires_mono - f.now))


def leave_result(f: Flow, e: Any = None) -> list[Effect]:
    """Done on the result screen (or inactivity there): the verified session ends normally."""
    return f.end("verified", None)


def receipt_printed(f: Flow, e: ev.ReceiptPrinted) -> list[Effect]:
    f.printing = False
    if not e.printed and "notice.receipt_not_printed" not in f.notices:
        f.notices.append("notice.receipt_not_printed")
    if f.state == S.PRINTING:
        f.after_session()
    return []


def printing_timeout(f: Flow) -> list[Effect]:
    f.printing = False
    if "notice.receipt_not_printed" not in f.notices:
        f.notices.append("notice.receipt_not_printed")
    f.after_session()
    return []


def take_card_reminder(f: Flow) -> list[Effect]:
    """The card stayed in the reader: remind (sound/animation) and keep waiting."""
    f.reminder = True
    return []


def to_idle(f: Flow, e: Any = None) -> list[Effect]:
    f.reset()
    return []


def error_done(f: Flow, e: Any = None) -> list[Effect]:
    if f.card_present:
        f.reminder = False
        f.go(S.TAKE_CARD, f.cfg.flow.take_card_timeout_s)
    else:
        f.reset()
    return []

"""The storage and printer threads' jobs: the verified record and its QR token in one outbox
transaction, re-issued tokens and the receipt's outcome written onto the open record, failed
records, the rating and the record made final, receipts and referral slips. Each never raises
into the runtime: a failure is logged (no personal data) and answered as an event where the
journey waits for one. (The card, camera and network jobs are `kiosk.runtime.adapters`.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from kiosk import __version__, logs
from kiosk.journey import events as ev
from kiosk.journey.effects import RecordDraft
from kiosk.runtime.devices import Devices

if TYPE_CHECKING:
    from sync.outbox import Outbox
    from sync.qrtoken import IssuedToken

log = logs.get("flow")


# ------------------------------------------------------------------ records and QR
def _token(devices: Devices, record_id: UUID, purpose: str, display_code: int) -> tuple[IssuedToken, ev.QrToken]:
    from kiosk.qr import issue_token

    if devices.key is None:
        raise RuntimeError("no device key")
    token = issue_token(devices.cfg.qr, devices.key, kiosk_id=devices.kiosk_id, record_id=record_id,
                        purpose=purpose, display_code=display_code)
    return token, ev.QrToken(token.text, token.cti, float(token.exp), display_code)


def issue_record(devices: Devices, draft: RecordDraft) -> ev.Event:
    """The QR token (QR continuation) and the verified record into the outbox, one transaction."""
    from kiosk.qr import new_display_code
    from kiosk.receipt import reference_code
    from kiosk.session_record import build_record
    from sync.outbox import OutboxError, OutboxFull

    record_id = uuid4()
    try:
        if devices.outbox is None:
            return ev.IssueFailed("storage")
        token: IssuedToken | None = None
        qr: ev.QrToken | None = None
        if draft.continuation == "qr":
            if devices.key is None:
                return ev.IssueFailed("key_missing")
            token, qr = _token(devices, record_id, draft.purpose, new_display_code())
        record = build_record(draft, record_id=record_id, kiosk_id=devices.kiosk_id,
                              app_version=__version__, clock_synced=devices.clock_synced, qr=token)
        devices.outbox.enqueue(record.to_json(), final=False)  # QR refreshes and the receipt follow
        _count_distance(devices, record.to_json())
    except OutboxFull:
        log.error("outbox full: record not written")
        return ev.IssueFailed("outbox_full")
    except OutboxError as e:
        log.error("outbox write failed", extra={"fields": {"error": type(e).__name__}})
        return ev.IssueFailed("storage")
    except Exception as e:  # a record that cannot be built must end the session cleanly
        log.error("issuing failed", extra={"fields": {"error": type(e).__name__}})
        return ev.IssueFailed("device_fault")
    log.info("record issued", extra={"fields": {"record_id": str(record_id), "continuation": draft.continuation}})
    return ev.Issued(record_id, reference_code(record_id), qr)


def _count_distance(devices: Devices, record: dict[str, Any]) -> None:
    """The record's face distance into the distance log (`kiosk report --distances`); never raises."""
    from zoneinfo import ZoneInfo

    from kiosk import distance_log
    from kiosk.report import DEFAULT_TZ

    distance_log.note_record(devices.cfg.state_dir, record, ZoneInfo(DEFAULT_TZ))


def refresh_qr(devices: Devices, record_id: UUID, purpose: str, display_code: int) -> ev.Event | None:
    """A fresh token for the same record, its cti written onto the queued record first (the spec
    keeps the last one), so a token is never on screen that the record has not heard of while the
    record can still change."""
    from kiosk.session_record import note_refreshed_qr

    try:
        token, qr = _token(devices, record_id, purpose, display_code)
    except Exception as e:  # the old QR stays on screen until it expires
        log.error("QR refresh failed", extra={"fields": {"error": type(e).__name__}})
        return None
    _update_record(devices, record_id, "qr_cti", lambda outbox: note_refreshed_qr(outbox, record_id, token))
    return ev.QrRefreshed(qr)


def note_receipt(devices: Devices, record_id: UUID, printed: ev.ReceiptPrinted) -> None:
    """The receipt's outcome onto the pending record (storage thread); never raises."""
    from kiosk.session_record import note_receipt as note

    _update_record(devices, record_id, "receipt",
                   lambda outbox: note(outbox, record_id, printed.printed, printed.printer_state))


def _update_record(devices: Devices, record_id: UUID, part: str, update: Callable[[Outbox], bool]) -> None:
    """Change a queued record while it is open; once it is final (the session ended, or it was open
    longer than `sync.outbox.OPEN_LIMIT_S`) the change is skipped (the server gets or has the final
    version), said once per record at info."""
    if devices.outbox is None:
        log.warning("record not updated: no outbox", extra={"fields": {"part": part}})
        return
    try:
        updated = update(devices.outbox)
    except Exception as e:  # the QR and the session go on; the record keeps its earlier version
        log.error("record update failed", extra={"fields": {"record_id": str(record_id), "part": part,
                                                             "error": type(e).__name__}})
        return
    if not updated and devices.update_skipped_for != record_id:
        devices.update_skipped_for = record_id
        log.info("record already final: update skipped", extra={"fields": {"record_id": str(record_id), "part": part}})


def write_record(devices: Devices, draft: RecordDraft, record_id: UUID | None = None) -> None:
    """A failed or aborted session's record (minimised by kiosk.session_record); never raises."""
    from kiosk.session_record import build_record

    record_id = record_id or uuid4()
    try:
        record = build_record(draft, record_id=record_id, kiosk_id=devices.kiosk_id,
                              app_version=__version__, clock_synced=devices.clock_synced)
        if devices.outbox is None:
            raise RuntimeError("no outbox")
        devices.outbox.enqueue(record.to_json(), final=False)  # a failure receipt's outcome may follow
        _count_distance(devices, record.to_json())
        log.info("record written", extra={"fields": {"record_id": str(record_id), "outcome": draft.outcome,
                                                      "reason_code": draft.failure_reason}})
    except Exception as e:
        log.error("record not written", extra={"fields": {"outcome": draft.outcome, "error": type(e).__name__}})


def close_records(devices: Devices, record_id: UUID | None, rating: int | None) -> None:
    """The session is over: its rating (when the rating screen asked for one: `record_id`) onto
    its record and into the rating log, then every open record made final (storage thread)."""
    if record_id is not None and devices.outbox is not None:
        from zoneinfo import ZoneInfo

        from kiosk import rating_log
        from kiosk.report import DEFAULT_TZ
        from kiosk.session_record import note_rating

        if rating is not None:
            _update_record(devices, record_id, "rating", lambda outbox: note_rating(outbox, record_id, rating))
        try:
            record = devices.outbox.get(str(record_id))
        except Exception as e:  # already sent and gone: the log still counts nothing wrong
            log.info("rated record not found", extra={"fields": {"error": type(e).__name__}})
        else:
            rating_log.note(devices.cfg.state_dir, record, rating, ZoneInfo(DEFAULT_TZ))
    finalize_records(devices)


def finalize_records(devices: Devices) -> None:
    """The session is over (or the kiosk starts: no session runs): every record it left open
    becomes final, so the sync process uploads it as it is (storage thread); never raises."""
    if devices.outbox is None:
        return
    try:
        count = devices.outbox.finalize()
    except Exception as e:  # the record then becomes final by itself (sync.outbox.OPEN_LIMIT_S)
        log.error("records not finalized", extra={"fields": {"error": type(e).__name__}})
        return
    if count:
        log.info("records final", extra={"fields": {"count": count}})


# ------------------------------------------------------------------ receipt
def print_receipt(devices: Devices, draft: RecordDraft, record_id: UUID) -> ev.ReceiptPrinted:
    """A verified session's receipt (how it continues), or (a failed draft) one saying what failed
    and what to do, from its ending, as the error screen does. Never raises."""
    from kiosk.journey.checks import national_digits
    from kiosk.journey.view import mask_phone
    from kiosk.receipt import print_receipt as print_content
    from kiosk.receipt import receipt_for

    cfg = devices.cfg
    if devices.printer is None:
        return ev.ReceiptPrinted(False, "offline")
    card, phone = draft.evidence.card, draft.evidence.phone_e164
    try:
        if draft.ending.referral is not None:
            from kiosk.messages import Message
            from kiosk.receipt import referral_slip_for

            counter = Message("kiosk.counter", cfg.kiosk.counter_th, cfg.kiosk.counter_en)
            content = referral_slip_for(profile=cfg.kiosk.profile, site_name=cfg.kiosk.site_name,
                                        purpose=draft.purpose, time=draft.created_at, record_id=record_id,
                                        ending=draft.ending, counter=counter)
        elif card is None:
            raise ValueError("no card text to print")
        else:
            content = receipt_for(
                profile=cfg.kiosk.profile, site_name=cfg.kiosk.site_name, purpose=draft.purpose,
                time=draft.created_at, cid=card.cid, first_name=card.name_th.first,
                last_name=card.name_th.last, record_id=record_id, continuation=draft.continuation,
                masked_phone=mask_phone(national_digits(phone)) if phone else None, ending=draft.ending,
            )
    except Exception as e:
        log.error("receipt content failed", extra={"fields": {"error": type(e).__name__}})
        return ev.ReceiptPrinted(False, "unknown")
    outcome = print_content(devices.printer, content)
    if draft.outcome != "verified":
        log.info("failure receipt", extra={"fields": {"record_id": str(record_id), "printed": outcome.printed,
                                                       "printer_state": outcome.printer_state}})
    return ev.ReceiptPrinted(outcome.printed, outcome.printer_state)

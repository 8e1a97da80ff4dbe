"""The session's device and service adapters: every call from the runtime into drivers/,
kiosk/face, kiosk/receipt, kiosk/session_record and sync/ goes through one function here, which
turns the foreign outcome (a value or a typed exception) into one journey event. The runtime calls
them on the owner thread of the device concerned; none touches the journey.

They work on `kiosk.runtime.devices.Devices` (what is open for the runtime's lifetime).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from drivers.card import errors as card_errors
from kiosk import __version__, logs
from kiosk.config import Config
from kiosk.journey import events as ev
from kiosk.journey.effects import RecordDraft
from kiosk.runtime.devices import Devices

if TYPE_CHECKING:
    from drivers.card import CardEvent
    from kiosk.face import FaceVerifier
    from sync.outbox import Outbox
    from sync.qrtoken import IssuedToken

log = logs.get("flow")


# ------------------------------------------------------------------ card
def _card_failure(e: Exception) -> ev.CardReadFailure:
    if isinstance(e, card_errors.CardRemoved | card_errors.NoCard):
        return "card_removed"
    if isinstance(e, card_errors.NotThaiIdCard):
        return "not_thai_id"
    if isinstance(e, card_errors.InvalidCardData):
        return "invalid_data"
    if isinstance(e, card_errors.ReaderFault):  # pcscd or the reader failed: not the citizen's doing
        return "device_fault"
    return "unreadable"


def read_card(devices: Devices, post: Callable[[ev.Event], None]) -> None:
    """Text first (posted at once), then the photo on the same connection."""
    try:
        with devices.reader.connect() as conn:
            post(ev.CardTextRead(conn.read_text()))
            post(ev.ChipPhotoRead(bytearray(conn.read_photo())))
    except Exception as e:  # translated: the journey only knows the failure kinds
        reason = _card_failure(e)
        log.warning("card read failed", extra={"fields": {"reason": reason, "error": type(e).__name__}})
        post(ev.CardReadFailed(reason))


def recheck_card(devices: Devices) -> ev.CardRechecked:
    """The citizen id and ATR of the card in the reader now (None, None when there is none)."""
    try:
        with devices.reader.connect() as conn:
            text = conn.read_text()
            return ev.CardRechecked(str(text.cid), bytes(conn.atr))
    except Exception as e:
        log.warning("card re-check failed", extra={"fields": {"error": type(e).__name__}})
        return ev.CardRechecked(None, None)


def card_event(devices: Devices, e: CardEvent) -> ev.Event | None:
    """The card monitor's report as a journey event; a reader fault (or its end) is also noted
    for the technician screen and the heartbeat."""
    if e.kind == "inserted":
        return ev.CardInserted(bytes(e.atr or b""))
    if e.kind == "removed":
        return ev.CardRemoved()
    if e.kind in ("fault", "reader_removed"):
        devices.faults["card"] = e.detail or e.kind
        return ev.ReaderFault(e.detail or e.kind)
    if e.kind in ("recovered", "reader_added"):
        devices.faults.pop("card", None)
        return ev.ReaderRecovered()
    return None


# ------------------------------------------------------------------ face
def start_camera(devices: Devices, post: Callable[[ev.Event], None]) -> None:
    """Camera thread: start the preview (the face step fails at once without a camera)."""
    camera = devices.camera
    if camera is None:
        post(ev.FaceFailed("camera_unavailable"))
        return
    try:
        camera.start()
    except Exception as e:
        log.error("camera start failed", extra={"fields": {"error": str(e)}})
        post(ev.FaceFailed("camera_unavailable"))


def new_verifier(cfg: Config) -> FaceVerifier:
    """A FaceVerifier (loads the face models on first use, about a second)."""
    from kiosk.face import FaceVerifier

    return FaceVerifier(cfg.face)


def run_face(
    devices: Devices,
    verifier: FaceVerifier | None,
    photo: bytearray,
    post: Callable[[ev.Event], None],
    stop: threading.Event,
) -> None:
    """Verify the citizen in front of the camera against the chip photo, until done or `stop`."""
    from drivers.camera import CameraError
    from kiosk.face import ChipPhotoInvalid, ChipPhotoNoFace, FaceError

    camera = devices.camera
    if camera is None or verifier is None:
        post(ev.FaceFailed("camera_unavailable"))
        return
    try:
        verifier.reference(photo)
    except (ChipPhotoNoFace, ChipPhotoInvalid):
        post(ev.FaceFailed("chip_photo_no_face"))
        return
    except FaceError as e:
        log.error("face models unavailable", extra={"fields": {"error": str(e)}})
        post(ev.FaceFailed("device_fault"))
        return
    seq = -1
    shown: tuple[object, ...] | None = None
    challenge: str | None = None
    try:
        while not stop.is_set():
            frame = camera.wait_frame(seq)  # CameraFrozen/CameraUnavailable after the watchdog time
            seq = frame.seq
            progress = verifier.feed(frame)
            if progress.challenge != challenge:
                challenge = progress.challenge
                camera.perform(challenge)
            if progress.phase == "done" and progress.result is not None:
                post(ev.FaceFinished(progress.result))
                return
            hint = progress.hint
            seconds = None if progress.seconds_left is None else round(progress.seconds_left)
            now_shown = (progress.phase, hint.code if hint else None, progress.challenge, seconds)
            if now_shown != shown:  # post only what changes the screen
                shown = now_shown
                from kiosk.messages import Message

                post(ev.FaceProgressed(
                    progress.phase,
                    Message(f"face.hint.{hint.code}", hint.th, hint.en) if hint else None,
                    progress.challenge,
                    progress.seconds_left,
                ))
    except CameraError as e:
        log.error("camera failed during the face step", extra={"fields": {"error": str(e)}})
        post(ev.FaceFailed("camera_unavailable"))
    except FaceError as e:  # FaceWorkerFailed: the embedding worker died twice
        log.error("face matching failed during the face step", extra={"fields": {"error": str(e)}})
        post(ev.FaceFailed("device_fault"))
    finally:
        camera.perform(None)


# ------------------------------------------------------------------ OTP
def send_otp(devices: Devices, session_id: UUID, phone_e164: str) -> ev.Event:
    from sync.client import RateLimited, Rejected, SyncError
    from sync.otp import OtpSendLimit

    if devices.otp is None:
        return ev.OtpSendFailed("offline")
    try:
        sent = devices.otp.send(session_id, phone_e164)
        return ev.OtpSent(sent.otp_id, float(sent.resend_after_s))
    except OtpSendLimit:
        return ev.OtpSendFailed("send_limit")
    except RateLimited as e:
        return ev.OtpSendFailed("rate_limited", e.retry_after_s)
    except Rejected as e:
        log.warning("OTP send refused", extra={"fields": {"error_code": e.code}})
        return ev.OtpSendFailed("rejected")
    except SyncError as e:  # offline, timeout, unauthorized, server error: the server is not usable
        log.warning("OTP server unreachable", extra={"fields": {"error": type(e).__name__}})
        return ev.OtpSendFailed("offline")


def verify_otp(devices: Devices, otp_id: str, code: str) -> ev.Event:
    from sync.client import SyncError
    from sync.otp import OtpExpired, OtpTooManyTries, OtpUnknown, OtpWrongCode

    if devices.otp is None:
        return ev.OtpRejected("offline")
    try:
        devices.otp.verify(otp_id, code)
        return ev.OtpVerified()
    except OtpWrongCode as e:
        return ev.OtpRejected("wrong_code", e.attempts_left)
    except (OtpExpired, OtpUnknown):
        return ev.OtpRejected("expired")
    except OtpTooManyTries:
        return ev.OtpRejected("too_many_tries")
    except SyncError as e:
        log.warning("OTP server unreachable", extra={"fields": {"error": type(e).__name__}})
        return ev.OtpRejected("offline")


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
        log.info("record written", extra={"fields": {"record_id": str(record_id), "outcome": draft.outcome,
                                                      "reason_code": draft.failure_reason}})
    except Exception as e:
        log.error("record not written", extra={"fields": {"outcome": draft.outcome, "error": type(e).__name__}})


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
        if card is None:
            raise ValueError("no card text to print")
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

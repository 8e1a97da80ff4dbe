"""The session's device and service adapters: every call from the runtime into the card reader,
the camera and the face models, and the central server (OTP, card status) goes through one
function here, which turns the foreign outcome (a value or a typed exception) into one journey
event (the storage and printer jobs are `kiosk.runtime.record_jobs`). The runtime calls
them on the owner thread of the device concerned; none touches the journey.

They work on `kiosk.runtime.devices.Devices` (what is open for the runtime's lifetime).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from drivers.card import errors as card_errors
from kiosk import logs
from kiosk.config import Config
from kiosk.journey import events as ev
from kiosk.journey.effects import CheckCardStatus
from kiosk.runtime.devices import Devices

if TYPE_CHECKING:
    from drivers.card import CardEvent, CardMonitor
    from kiosk.face import FaceVerifier

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


def read_card(devices: Devices, post: Callable[[ev.Event], None], chip_ids: bool = False) -> None:
    """Text first (posted at once; with the laser and chip ids when asked), then the photo on
    the same connection."""
    try:
        with devices.reader.connect() as conn:
            post(ev.CardTextRead(conn.read_text(chip_ids=chip_ids)))
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


def start_card_monitor(devices: Devices, send: Callable[[ev.Event], None]) -> CardMonitor:
    """The card monitor (its own thread, waiting on pcscd), its reports sent as journey events."""
    from drivers.card import CardMonitor

    card = devices.cfg.devices.card

    def on_card(e: CardEvent) -> None:
        event = card_event(devices, e)
        if event is not None:
            send(event)

    monitor = CardMonitor(devices.reader, on_card, debounce_s=card.debounce_ms / 1000, poll_s=card.poll_interval_s)
    monitor.start()
    return monitor


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


# ------------------------------------------------------------------ the app's QR
FOREIGN_REPEAT_S = 3.0
"""A foreign QR held up is said again after this long (the citizen may have missed it)."""


def run_app_scan(devices: Devices, post: Callable[[ev.Event], None], stop: threading.Event) -> None:
    """Camera thread: start the camera and read QR codes from its frames until one is the app's
    request (`AppQrSeen`) or `stop`. Only a text that passes the contract's strict check
    (`TRA1:` + 22 base64url characters) leaves this function; any other QR is `ForeignQrSeen`,
    its text dropped here, never logged or followed. Guidance is posted when it changes."""
    import time

    from drivers.camera import CameraError
    from kiosk.app_scan import AppQrScanner, AppScanError, hint
    from sync.records import is_app_request

    camera = devices.camera
    if camera is None:
        post(ev.AppScanFailed("camera_unavailable"))
        return
    scanner = AppQrScanner()
    seq = -1
    shown: str | None = None
    foreign_at: float | None = None
    try:
        camera.start()
        while not stop.is_set():
            frame = camera.wait_frame(seq)  # CameraFrozen/CameraUnavailable after the watchdog time
            seq = frame.seq
            result = scanner.scan(frame.image)
            if result.text is not None:
                if is_app_request(result.text):
                    post(ev.AppQrSeen(result.text))
                    return
                now = time.monotonic()
                if foreign_at is None or now - foreign_at >= FOREIGN_REPEAT_S:
                    foreign_at = now
                    post(ev.ForeignQrSeen())
                continue
            if result.guidance != shown:
                shown = result.guidance
                post(ev.ScanGuidance(hint(shown) if shown is not None else None))
    except CameraError as e:
        log.error("camera failed while reading the app's QR", extra={"fields": {"error": str(e)}})
        post(ev.AppScanFailed("camera_unavailable"))
    except AppScanError as e:  # the decoder's own failure: names no pixel or text
        log.error("QR decoder failed", extra={"fields": {"error": str(e)}})
        post(ev.AppScanFailed("device_fault"))


# ------------------------------------------------------------------ card status
_REQUEST_NUMBER = re.compile(r"^[0-9]{20}$")
_LASER_ID = re.compile(r"^[A-Z]{2}[0-9]{10}$")


def laser_id_for_registry(printed: str | None) -> str | None:
    """The laser id as the contract writes it (`JT1234567890`) from the chip's (`JT1-2345678-90`);
    None when it is not one (the check then goes without it)."""
    if not printed:
        return None
    compact = re.sub(r"[\s-]", "", printed).upper()
    return compact if _LASER_ID.match(compact) else None


def check_card_status(devices: Devices, e: CheckCardStatus) -> ev.Event:
    """Network thread: the registry's answer through the central server, or why there is none."""
    from sync.card_status import CardStatusUnavailable

    client = devices.card_status
    if client is None:
        return ev.CardStatusUnavailable("offline")
    number = "".join(ch for ch in e.request_number if ch.isdigit())
    if not _REQUEST_NUMBER.match(number):  # nothing the registry could look up
        log.warning("card status not checkable: the card's request number is not 20 digits")
        return ev.CardStatusUnavailable("not_checkable")
    try:
        answer = client.check(e.session_id, e.cid, number, laser_id_for_registry(e.laser_id), e.chip_id)
    except CardStatusUnavailable as problem:
        return ev.CardStatusUnavailable(problem.reason)
    except Exception as problem:  # a bug must not hold the session at issuing
        log.error("card status check failed", extra={"fields": {"error": type(problem).__name__}})
        return ev.CardStatusUnavailable("offline")
    return ev.CardStatusAnswered(answer.status, answer.checked_at)


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

"""`View`: everything one screen shows, as plain immutable data (no Qt). The UI renders it and
nothing else; texts are message codes from `kiosk.messages` (render `msg(code).text(view.language)`,
filling placeholders from `view.message_values()`).

Personal data in a view is already reduced for display: `first_name` only (never the full name or
the citizen id), `masked_phone` like `08x-xxx-1234`. After a session ends (thank-you, error, idle)
the view holds no personal data at all: a fresh `View` is built from the wiped session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.journey.states import StateName
from kiosk.messages import Language, Message


@dataclass(frozen=True, slots=True)
class View:
    state: StateName
    language: Language
    title: str
    """Message code of the screen's title."""
    body: str | None = None
    """Message code of the screen's main text (placeholders: see `message_values()`)."""
    step: int = 0
    """1-based step in the indicator; 0 = no indicator on this screen."""
    steps: int = 0
    can_cancel: bool = False
    still_there: bool = False
    """True while the "are you still there?" countdown is shown (over the current screen)."""
    countdown_s: int | None = None
    """Seconds left on the visible countdown (still-there, error screen, thank-you), else None."""
    countdown_total_s: int | None = None
    """The whole length of that countdown (a ring shows `countdown_s` as a share of it)."""
    purpose: str | None = None
    """The chosen service: `ial_upgrade` or `register`."""
    consent_version: str | None = None
    privacy_notice_url: str | None = None
    """CONSENT: where the full notice is published (shown as a QR), if the kiosk is told."""
    first_name: str | None = None
    """FACE only: the citizen's first name in the view's language (the Thai name when there is no
    English one), greeting them so they see their card was read (`face.greeting`); else None."""
    masked_phone: str | None = None
    """e.g. `08x-xxx-1234`."""
    face_preview: bool = False
    """True while the camera preview should be shown (frames: `SessionRuntime.latest_frame()`)."""
    camera_hint: Message | None = None
    """Live face guidance from kiosk.face (own Thai/English text), e.g. "Please move closer"; on
    SCAN_APP what would help the camera read the app's QR (`scan.hint.<code>`)."""
    scan_preview: bool = False
    """SCAN_APP: the camera preview for the citizen to aim the phone (frames: `latest_frame()`)."""
    more_time: bool = False
    """SCAN_APP: "need more time?" is asked (answer with `MoreTime`), the countdown in `countdown_s`."""
    challenge: str | None = None
    """Message code of the liveness challenge being asked, e.g. `challenge.blink`."""
    face_seconds_left: int | None = None
    phone_error: str | None = None
    """Message code when the typed number was refused (`phone.invalid`)."""
    otp_error: str | None = None
    """Message code of the last OTP problem (`otp.wrong`, `otp.expired_resend`, `otp.wait_resend`)."""
    otp_info: str | None = None
    """Message code of news about the code (`otp.resent`: a new one was sent, the old one is void)."""
    confirm_cancel: bool = False
    """Ask "cancel this session?" over the current screen (Cancel was touched after consent)."""
    confirm_help: bool = False
    """Ask "get help from staff?" over the current screen ("Get help" was touched after consent)."""
    counter: Message | None = None
    """ERROR after a referral: where staff help (the site's counter, `kiosk.counter_th/en`)."""
    otp_attempts_left: int | None = None
    otp_resend_in_s: int | None = None
    """Seconds until "send again" is allowed (OTP screen; 0 = allowed now), or until a new code may
    be asked for after the server said "too soon" (phone screen)."""
    busy: bool = False
    """A network or device call is running for this screen (show a spinner, ignore the keypad)."""
    qr_text: str | None = None
    display_code: int | None = None
    """The two-digit code shown large beside the QR (10-99)."""
    qr_seconds_left: int | None = None
    """Seconds the QR on screen stays valid (a fresh one replaces it shortly before)."""
    result_seconds_left: int | None = None
    """RESULT_QR: seconds the result stays on screen (the time left to scan)."""
    result_total_s: int | None = None
    """The whole time a result stays on screen."""
    face_guide: tuple[float, float, float, float] | None = None
    """FACE: where the quality gate wants the face, as fractions of the camera frame: the oval's
    centre x, centre y, width and height (the UI draws the oval there, mapped like the frame)."""
    bring: str | None = None
    """IDLE: message code of what the citizen needs to bring (per kiosk profile)."""
    reference_code: str | None = None
    """Human reference of the record (e.g. `K7Q-4MX`), printed on the receipt too; on the error
    screen of a referral, the reference to show staff."""
    printing: bool = False
    notices: tuple[str, ...] = ()
    """Message codes shown as notices, e.g. `notice.receipt_not_printed`."""
    error: str | None = None
    """Message code of what went wrong (ERROR screen)."""
    error_action: str | None = None
    """Message code of what to do next (ERROR screen)."""
    reminder: bool = False
    """TAKE_CARD: the card has stayed too long; play the reminder animation/sound."""
    card_left: bool = False
    """TAKE_CARD: the reminder ran its time and staff were alerted (the louder alarm)."""
    sound: bool = True
    """The kiosk speaks (`devices.audio.backend` is not `off`): show the voice's controls."""
    volume: int = 3
    """The voice's loudness, 1-5 (the volume buttons show it)."""
    repeats: int = 0
    """Times "say it again" was touched this session: each change replays the screen's prompts."""
    card_present: bool = False
    out_of_service: bool = False
    """IDLE only: the kiosk takes no session (maintenance, outbox budget, card reader fault); the
    title is then `out_of_service.title`."""
    simulation: bool = False
    """Simulated devices are in use: show the SIMULATION banner."""
    help_line: str = "help.dga-smart-kiosk"
    """Message code of the profile's help line, for the footer."""
    services: tuple[str, ...] = field(default=("ial_upgrade", "register"))
    continuations: tuple[str, ...] = ("qr",)
    """CHOOSE_SERVICE: the continuations offered (`qr`, `sms`, `app_scan`; the first of `qr`/`sms` is
    the default a service button takes; `app_scan` is a button of its own)."""

    def message_values(self) -> dict[str, object]:
        """Values for the placeholders of this view's messages (`Message.format(**values)`), each
        written the way the view's language writes it (a Thai date in the Buddhist era)."""
        return {
            "code": self.display_code if self.display_code is not None else "",
            "name": self.first_name or "",
            "phone": self.masked_phone or "",
            "seconds": self.countdown_s if self.still_there else (self.otp_resend_in_s or 0),
            "attempts": self.otp_attempts_left if self.otp_attempts_left is not None else "",
            "version": month_of(self.consent_version, self.language) if self.consent_version else "",
            "reference": self.reference_code or "",
            "face_seconds": self.face_seconds_left if self.face_seconds_left is not None else "",
            "step": self.step,
            "steps": self.steps,
        }


THAI_MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
               "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")


def month_of(version: str, language: Language) -> str:
    """A `YYYY-MM` version as a reader of `language` writes a month: `มกราคม 2569` (Buddhist
    era) or `January 2026`; anything else is shown as it is."""
    year, _, month = version.partition("-")
    if not (year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        return version
    if language == "th":
        return f"{THAI_MONTHS[int(month) - 1]} {int(year) + 543}"
    return f"{ENGLISH_MONTHS[int(month) - 1]} {year}"


def mask_phone(national_digits: str) -> str:
    """`0812345678` -> `08x-xxx-5678`: enough for the citizen to recognise, useless to a bystander."""
    d = national_digits
    if len(d) != 10:
        return "xxx-xxx-" + d[-4:]
    return f"{d[:2]}x-xxx-{d[-4:]}"

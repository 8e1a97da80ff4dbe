"""One sample `View` per screen the kiosk can show (every state, the overlays, the notices), with
personal data of a fictitious citizen in the fields that carry it, for rendering tests."""

from __future__ import annotations

from dataclasses import replace

from kiosk.journey.states import STATES, STEPS, StateName
from kiosk.journey.view import View
from kiosk.messages import Message

S = StateName
FIRST_NAME = "สมชายทดสอบ"
PHONE_DIGITS = "0812345678"
MASKED_PHONE = "08x-xxx-5678"
GUIDE = (0.5, 0.5, 0.58, 0.81)
QR_TEXT = "HC1:" + "6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0B" * 4


def _v(state: StateName, title: str, body: str | None = None, **kw: object) -> View:
    step = STATES[state].step
    return View(state=state, language="th", title=title, body=body, step=step,
                steps=STEPS if step else 0, simulation=True, **kw)  # type: ignore[arg-type]


def sample_views() -> dict[str, View]:
    hint = Message("move_closer", "กรุณาขยับเข้ามาใกล้อีกนิด", "Please move closer")
    return {
        "idle": _v(S.IDLE, "idle.title", "idle.body", bring="idle.bring.dga-smart-kiosk"),
        "idle_degraded": _v(S.IDLE, "idle.title", "idle.body", bring="idle.bring.boonterm",
                            notices=("notice.degraded.sms", "notice.degraded.receipt")),
        "out_of_service": _v(S.IDLE, "out_of_service.title", "action.try_later", out_of_service=True),
        "choose_service": _v(S.CHOOSE_SERVICE, "choose.title", "choose.body", can_cancel=True,
                             continuations=("qr", "app_scan")),
        "choose_service_qr_or_sms": _v(S.CHOOSE_SERVICE, "choose.title", "choose.body", can_cancel=True,
                                       continuations=("sms", "qr", "app_scan")),
        "scan_app": _v(S.SCAN_APP, "scan_app.title", "scan_app.body", can_cancel=True, scan_preview=True,
                       camera_hint=Message("scan.hint.avoid_glare", "มีแสงสะท้อนบนหน้าจอโทรศัพท์ กรุณาเอียงโทรศัพท์เล็กน้อย",
                                           "There is glare on your phone's screen: please tilt it a little")),
        "scan_app_foreign": _v(S.SCAN_APP, "scan_app.title", "scan_app.body", can_cancel=True, scan_preview=True,
                               notices=("scan_app.foreign",)),
        "scan_app_more_time": _v(S.SCAN_APP, "scan_app.title", "scan_app.body", can_cancel=True, scan_preview=True,
                                 more_time=True, countdown_s=12, countdown_total_s=15),
        "consent": _v(S.CONSENT, "consent.title", "consent.body", can_cancel=True, consent_version="2026-01",
                      privacy_notice_url="https://www.example.com/kiosk/privacy-notice"),
        "insert_card": _v(S.INSERT_CARD, "insert_card.title", "insert_card.body", can_cancel=True),
        "reading": _v(S.READING, "reading.title", "reading.body", can_cancel=True, card_present=True),
        "face": _v(S.FACE, "face.title", "face.body", can_cancel=True, face_preview=True,
                   camera_hint=hint, face_seconds_left=84, first_name=FIRST_NAME, face_guide=GUIDE),
        "face_challenge": _v(S.FACE, "face.title", "face.body", can_cancel=True, face_preview=True,
                             challenge="challenge.turn_left", face_seconds_left=61, face_guide=GUIDE),
        "phone": _v(S.PHONE, "phone.title", "phone.body", can_cancel=True, first_name=FIRST_NAME,
                    phone_error="phone.invalid"),
        "otp": _v(S.OTP, "otp.title", "otp.body", can_cancel=True, masked_phone=MASKED_PHONE,
                  otp_error="otp.wrong", otp_attempts_left=2, otp_resend_in_s=25),
        "otp_resent": _v(S.OTP, "otp.title", "otp.body", can_cancel=True, masked_phone=MASKED_PHONE,
                         otp_info="otp.resent", otp_attempts_left=3, otp_resend_in_s=30),
        "confirm_cancel": _v(S.FACE, "face.title", "face.body", can_cancel=True, face_preview=True,
                             confirm_cancel=True, face_guide=GUIDE),
        "otp_busy": _v(S.OTP, "otp.title", "otp.body", can_cancel=True, masked_phone=MASKED_PHONE, busy=True),
        "issuing": _v(S.ISSUING, "issuing.title"),
        "result_qr": _v(S.RESULT_QR, "result_qr.title", "result_qr.body", qr_text=QR_TEXT, display_code=47,
                        qr_seconds_left=93, result_seconds_left=165, result_total_s=180,
                        reference_code="K7Q-4MX", first_name=FIRST_NAME,
                        notices=("notice.receipt_not_printed", "notice.phone_not_verified")),
        "result_sms": _v(S.RESULT_SMS, "result_sms.title", "result_sms.body", masked_phone=MASKED_PHONE,
                         reference_code="K7Q-4MX", notices=("notice.receipt_not_printed",)),
        "result_app": _v(S.RESULT_APP, "result_app.title", "result_app.body", reference_code="K7Q-4MX"),
        "printing": _v(S.PRINTING, "printing.title", printing=True, qr_text=QR_TEXT, display_code=47,
                       qr_seconds_left=80),
        "take_card": _v(S.TAKE_CARD, "take_card.title", card_present=True),
        "take_card_reminder": _v(S.TAKE_CARD, "take_card.title", card_present=True, reminder=True),
        "thank_you": _v(S.THANK_YOU, "thank_you.title", "thank_you.declined", countdown_s=5,
                        countdown_total_s=6, notices=("notice.take_receipt",)),
        "rating": _v(S.RATING, "rating.title", "rating.body", countdown_s=17, countdown_total_s=20),
        "confirm_help": _v(S.PHONE, "phone.title", "phone.body", can_cancel=True, confirm_help=True),
        "referral": _v(S.ERROR, "error.title", error="error.face_mismatch", error_action="action.counter",
                       countdown_s=11, countdown_total_s=15, reference_code="M4X-7QK",
                       counter=Message("kiosk.counter", "ช่องบริการ 3 ชั้น 1 สำนักงานเขตบางรัก",
                                       "Counter 3, ground floor, Bang Rak District Office")),
        "referral_no_phone": _v(S.ERROR, "error.title", error="referral.no_phone", error_action="action.see_staff",
                                countdown_s=11, countdown_total_s=15, reference_code="M4X-7QK",
                                counter=Message("kiosk.counter", "เคาน์เตอร์บริการของหน่วยงานนี้",
                                                "the service counter of this office")),
        "still_there": _v(S.PHONE, "phone.title", "phone.body", can_cancel=True, still_there=True, countdown_s=12,
                          countdown_total_s=15),
        **{
            f"error_{code.split('.', 1)[1]}": _v(S.ERROR, "error.title", error=code, error_action=action,
                                                 countdown_s=11, countdown_total_s=15)
            for code, action in (
                ("error.card_expired", "action.renew_card"),
                ("error.card_status_abnormal", "action.district_office"),
                ("error.card_status_unavailable", "action.try_later"),
                ("error.face_mismatch", "action.call_help"),
                ("error.liveness_failed", "action.counter"),
                ("error.liveness_face_lost", "action.counter"),
                ("error.liveness_not_done", "action.counter"),
                ("error.app_scan_timeout", "action.app_scan_retry"),
                ("error.offline", "action.try_later"),
                ("error.card_invalid", "action.call_help"),
                ("error.card_swapped", "action.use_own_card"),
                ("error.otp_failed", "action.try_again"),
                ("error.device_fault", "action.call_help"),
            )
        },
    }


def in_language(view: View, language: str) -> View:
    return replace(view, language=language)  # type: ignore[arg-type]

"""What a receipt says, and printing it without ever failing the session.

- `receipt_for(profile=..., site_name=..., purpose=..., time=..., cid=..., first_name=...,
  last_name=..., record_id=..., continuation="qr", masked_phone=None, ending=None)
  -> ReceiptContent`: keeps only what is printed (masked citizen id, first name and last-name
  initial), never the full id or name. A failed session's receipt says its `Ending`'s error and
  what to do (as the error screen does).

No receipt carries a QR code: the token a QR holds lives two minutes at most (`ial-qr.md`), and a
paper the citizen is told to keep must stay true. A verified session's receipt says how the
session continues instead (the QR on the screen, the SMS link, or the help line with the
reference).
- `reference_code(record_id) -> str`: a short human code such as `K7Q-4MX`.
- `thai_datetime(dt) -> str`: `21 พ.ย. 2569 14:05 น.` (Buddhist era, Thailand time).
- `mask_cid(cid) -> str`: `x-xxxx-xxxxx-12-3`.
- `print_receipt(printer, content) -> ReceiptOutcome(printed, printer_state,
  error)`: never raises; `error` names the cause for the technician (no personal data).
The rendering is in `kiosk.receipt_render`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal
from uuid import UUID

from drivers.printer import Printer, PrinterError
from kiosk import logs
from kiosk.journey.endings import Ending
from kiosk.messages import Message, msg
from kiosk.reference import reference_code

__all__ = ["ReceiptContent", "ReceiptOutcome", "mask_cid", "print_receipt", "receipt_for", "reference_code",
           "referral_slip_for",
           "short_name", "thai_datetime", "thai_time"]

Purpose = Literal["ial_upgrade", "register"]
Continuation = Literal["qr", "sms", "app_scan", "none"]
KioskProfile = Literal["dga-smart-kiosk", "boonterm"]
THAILAND = timezone(timedelta(hours=7), "ICT")  # no daylight saving time in Thailand
THAI_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
log = logs.get("printer")


@dataclass(frozen=True)
class ReceiptContent:
    profile: KioskProfile
    site_name: str
    purpose: Purpose
    time: datetime
    masked_cid: str | None
    """None on a referral slip, which names nobody."""
    display_name: str | None
    reference: str
    continue_with: Message | None
    """A verified session: how the citizen goes on (the QR on screen, the SMS link, the help line)."""
    failure: Message | None
    action: Message | None
    counter: Message | None = None
    """A referral slip: where staff help (the site's counter)."""

    @property
    def service(self) -> Message:
        return msg(f"service.{self.purpose}")

    @property
    def help_line(self) -> Message:
        return msg(f"help.{self.profile}")


@dataclass(frozen=True)
class ReceiptOutcome:
    printed: bool
    printer_state: str
    error: str | None


def thai_datetime(dt: datetime) -> str:
    if dt.tzinfo is None:
        raise ValueError("receipt time must be timezone-aware")
    t = dt.astimezone(THAILAND)
    return f"{t.day} {THAI_MONTHS[t.month - 1]} {t.year + 543} {t:%H:%M} น."


def thai_time(dt: datetime) -> str:
    return f"{dt.astimezone(THAILAND):%H:%M} น."


def mask_cid(cid: str) -> str:
    digits = "".join(c for c in cid if c.isdigit())
    if len(digits) != 13:
        raise ValueError("citizen id must have 13 digits")
    return f"x-xxxx-xxxxx-{digits[10:12]}-{digits[12]}"


def short_name(first_name: str, last_name: str) -> str:
    """First name and the first letter of the last name (`สมชาย ใ.`)."""
    initial = last_name.strip()[:1]
    return f"{first_name.strip()} {initial}." if initial else first_name.strip()


def referral_slip_for(*, profile: KioskProfile, site_name: str, purpose: Purpose, time: datetime,
                      record_id: UUID, ending: Ending, counter: Message) -> ReceiptContent:
    """The slip of a citizen sent to staff: what could not be done, the reference, where to go;
    no name and no citizen id (the citizen shows the card at the counter)."""
    thai_datetime(time)
    return ReceiptContent(profile=profile, site_name=site_name, purpose=purpose, time=time, masked_cid=None,
                          display_name=None, reference=reference_code(record_id), continue_with=None,
                          failure=msg(ending.error or "referral.asked"), action=msg(ending.action or "action.see_staff"),
                          counter=counter)


def receipt_for(
    *,
    profile: KioskProfile,
    site_name: str,
    purpose: Purpose,
    time: datetime,
    cid: str,
    first_name: str,
    last_name: str,
    record_id: UUID,
    continuation: Continuation = "qr",
    masked_phone: str | None = None,
    ending: Ending | None = None,
) -> ReceiptContent:
    thai_datetime(time)  # rejects a naive time now, not at print time
    failure = action = continue_with = None
    if ending is not None and ending is not Ending.VERIFIED:
        failure = msg(ending.error or "error.issue_failed")
        action = msg(ending.action or "action.call_help")
    else:
        continue_with = msg(f"receipt.continue.{continuation}").format(phone=masked_phone or "")
    return ReceiptContent(
        profile=profile,
        site_name=site_name,
        purpose=purpose,
        time=time,
        masked_cid=mask_cid(cid),
        display_name=short_name(first_name, last_name),
        reference=reference_code(record_id),
        continue_with=continue_with,
        failure=failure,
        action=action,
    )


def print_receipt(printer: Printer, content: ReceiptContent) -> ReceiptOutcome:
    """Render and print; any failure becomes `printed=False` with the printer state."""
    from kiosk import receipt_render

    try:
        image = receipt_render.render(content, printer.width_dots)
        printer.print_receipt(image, None, False)
    except PrinterError as e:
        state = printer.status().state if e.state == "unknown" else e.state
        log.warning("receipt failed", extra={"fields": {"printer_state": state, "cause": str(e)}})
        return ReceiptOutcome(False, state, f"{type(e).__name__}: {e}")
    except Exception as e:  # a receipt must never end the session
        log.error("receipt failed", exc_info=e)
        return ReceiptOutcome(False, "unknown", f"{type(e).__name__}: {e}")
    return ReceiptOutcome(True, printer.status().state, None)

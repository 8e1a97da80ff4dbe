"""The verification record: the `Record` schema of `central-api.yaml`, exactly, as pydantic models.

`validate_record(data)` accepts a JSON-shaped dict and returns a `Record`, or raises
`RecordInvalid(field, message)` naming the first offending field (dotted path) — so the kiosk never
queues a record the server would reject. Besides the schema it enforces the data-minimisation
rule the schema states: failed and aborted sessions carry no names and no birth date (and no
record ever has an address, photo or face template: unknown keys are refused). `Record.to_json()`
gives the wire form (absent optional parts are left out; the schema's nullable ones stay `null`).

Contract 1.1.0 parts and the rules that keep them coherent: `card_status` (`normal`/`abnormal`
carry the registry's `checked_at`, `unchecked`/`skipped` none; an abnormal card is never
verified; `failure_reason` `card_status_abnormal` needs it `abnormal`), `referral` (never on a
verified record), `rating` (1-5), and `continuation.method` `app_scan`, which goes with
`continuation.app_request`, the app's `TRA1:` text and nothing else read by the camera
(`is_app_request(text)` checks it where it is read).

The messages of `RecordInvalid` name fields and rules, never the values (they may be personal).

Errors: `RecordInvalid(field, message)`.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

Purpose = Literal["ial_upgrade", "register"]
Outcome = Literal["verified", "failed", "aborted"]

FAILURE_REASONS = (
    "face_mismatch",
    "liveness_failed",
    "card_expired",
    "card_invalid",
    "card_status_abnormal",
    "card_removed",
    "otp_failed",
    "timeout",
    "cancelled",
    "device_fault",
)


class RecordInvalid(ValueError):
    """A record that the central server would reject (or that breaks data minimisation)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    # keys whose JSON value may be null; every other optional key must be absent instead
    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _no_nulls(self) -> Any:
        # "after": a "before" validator would turn JSON input into Python input, which strict mode
        # then refuses for dates and UUIDs
        for k in self.model_fields_set:
            if getattr(self, k) is None and k not in self.NULLABLE:
                raise ValueError(f"{k}: must not be null (leave it out instead)")
        return self

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True)


class Name(_Part):
    prefix: str
    first: str
    middle: str
    last: str


DateOfBirth = Annotated[str, Field(pattern=r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$")]


class Card(_Part):
    NULLABLE = frozenset({"expiry_date", "chip_id", "laser_id"})
    cid: Annotated[str, Field(pattern=r"^[0-9]{13}$")]
    atr: str
    name_th: Name | None = None
    name_en: Name | None = None
    date_of_birth: DateOfBirth | None = None
    gender: Literal["male", "female", "unknown"] | None = None
    issue_date: date | None = None
    expiry_date: date | None = None
    request_number: str | None = None
    photo_number: str | None = None
    chip_id: str | None = None
    laser_id: str | None = None
    photo_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None


class Liveness(_Part):
    method: str | None = None
    passed: bool | None = None
    challenges: list[str] | None = None


class Face(_Part):
    method: str | None = None
    distance: float | None = None
    threshold: float | None = None
    match: bool | None = None
    attempts: int | None = None
    liveness: Liveness | None = None


class Phone(_Part):
    number: Annotated[str, Field(pattern=r"^\+66[0-9]{9}$")] | None = None
    verified: bool | None = None
    method: Literal["otp", "none"] | None = None


APP_REQUEST_PATTERN = r"^TRA1:[A-Za-z0-9_-]{22}$"
"""What an app's binding-request QR says (`POST /v1/binding-requests`): `TRA1:` + base64url of 16 bytes."""


def is_app_request(text: str) -> bool:
    """Whether text read from a QR is an app's binding request (the only scanned text a record may carry)."""
    return re.fullmatch(APP_REQUEST_PATTERN, text) is not None


class Continuation(_Part):
    NULLABLE = frozenset({"app_request"})
    method: Literal["qr", "sms", "app_scan", "none"] | None = None
    app_request: Annotated[str, Field(pattern=APP_REQUEST_PATTERN)] | None = None
    qr_cti: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{22}$")] | None = None
    qr_expires_at: AwareDatetime | None = None


class CardStatus(_Part):
    NULLABLE = frozenset({"checked_at"})
    status: Literal["normal", "abnormal", "unchecked", "skipped"]
    checked_at: AwareDatetime | None = None


class Referral(_Part):
    reference: Annotated[str, Field(min_length=1, max_length=64)]
    reason: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class Rating(_Part):
    score: Annotated[int, Field(ge=1, le=5)]


class Receipt(_Part):
    printed: bool | None = None
    printer_state: str | None = None


class Consent(_Part):
    version: str
    accepted_at: AwareDatetime


class Record(_Part):
    NULLABLE = frozenset({"failure_reason", "referral", "rating"})
    record_id: UUID
    kiosk_id: Annotated[str, Field(min_length=1)]
    created_at: AwareDatetime
    clock_synced: bool
    purpose: Purpose
    outcome: Outcome
    ial: Literal["2.3", "none"] | None = None
    failure_reason: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")] | None = None
    card_status: CardStatus | None = None
    referral: Referral | None = None
    rating: Rating | None = None
    card: Card | None = None
    face: Face | None = None
    phone: Phone | None = None
    continuation: Continuation | None = None
    receipt: Receipt | None = None
    consent: Consent | None = None
    app_version: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _coherent(self) -> Record:
        # the schema's description and the server's rules, beyond types
        if self.outcome != "verified" and self.card is not None:
            for personal in ("name_th", "name_en", "date_of_birth"):
                if getattr(self.card, personal) is not None:
                    raise ValueError(f"card.{personal}: a {self.outcome} session carries no names or birth date")
        if self.outcome == "verified":
            if self.failure_reason is not None:
                raise ValueError("failure_reason: a verified record has no failure reason")
            if self.ial == "none":
                raise ValueError("ial: a verified record has ial 2.3")
            if self.card is None:
                raise ValueError("card: a verified record needs the card")
        elif self.ial == "2.3":
            raise ValueError(f"ial: a {self.outcome} record cannot claim ial 2.3")
        if self.continuation is not None and self.continuation.method == "sms":
            if self.phone is None or self.phone.number is None:
                raise ValueError("continuation.method: sms needs phone.number")
        if self.continuation is not None and (self.continuation.method == "app_scan") != (
                self.continuation.app_request is not None):
            raise ValueError("continuation.app_request: the app's request goes with method app_scan, and only with it")
        self._coherent_card_status()
        if self.outcome == "verified" and self.referral is not None:
            raise ValueError("referral: a verified session was not sent to a counter")
        return self

    def _coherent_card_status(self) -> None:
        status = self.card_status
        if status is not None:
            checked = status.status in ("normal", "abnormal")
            if checked != (status.checked_at is not None):
                raise ValueError("card_status.checked_at: the registry's time goes with normal or abnormal, "
                                 "and only with them")
            if status.status == "abnormal" and self.outcome == "verified":
                raise ValueError("card_status.status: a card the registry reports abnormal cannot be verified")
        if self.failure_reason == "card_status_abnormal" and (status is None or status.status != "abnormal"):
            raise ValueError("failure_reason: card_status_abnormal needs card_status.status abnormal")


def validate_record(data: Any) -> Record:
    """A `Record` from its JSON form; raises `RecordInvalid` naming the field and the rule."""
    if not isinstance(data, dict):
        raise RecordInvalid("(record)", "must be an object")
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise RecordInvalid("(record)", "holds values that are not JSON (dates must be strings; no NaN)") from None
    try:
        # strict JSON-mode validation: JSON types exactly ("yes" is not a boolean), while strings
        # still become UUIDs, dates and times as the schema's formats say
        return Record.model_validate_json(text)
    except ValidationError as err:
        first = err.errors(include_url=False, include_input=False)[0]
        loc = ".".join(str(p) for p in first["loc"])
        msg = str(first["msg"])
        # our own validators name the field inside the message ("name_th: ...")
        if first["type"] == "value_error" and ": " in msg:
            field, _, msg = msg.removeprefix("Value error, ").partition(": ")
            loc = f"{loc}.{field}" if loc else field
        elif first["type"] == "extra_forbidden":
            msg = "not part of the record schema (never stored or sent)"
        elif first["type"] == "missing":
            msg = "required"
        else:
            msg = msg.removeprefix("Value error, ")
        raise RecordInvalid(loc or "(record)", msg) from None

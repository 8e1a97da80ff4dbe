"""Keeping personal data out of what the sync stack keeps about a server's errors.

A server's error message is foreign text: a server that quotes the offending value puts a citizen
id, a name or a birth date into it. Only two things of an error are kept (the outbox's
`dead_reason`, `sync-status.json`, the log): the error code, checked to be the contract's
machine-readable snake_case (`safe_code`), and the message with everything that could be a value
masked (`redact_server_message`).

`mask_names` is the part that also applies to every log line (`kiosk.logs` uses it): runs of Thai
script (the kiosk logs in English; Thai text in a log line is a name, an address or a quoted
value), English names after an honorific (`Mr. Somchai Jaidee`, `MISS SOMSRI`), and the value of
a labelled name (`first_name=Somchai`, `"last": "Jaidee"`).

Pure functions; no errors.
"""

from __future__ import annotations

import re

MASK = "[redacted]"
MAX_MESSAGE_CHARS = 160

_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")
# Thai letters, vowels, tone marks and digits (U+0E00-U+0E7F), with the spaces and dots between
# the words of one name ("นาง สมศรี ใจดี", "ด.ช. ...")
_THAI = re.compile(r"[\u0E00-\u0E7F]+(?:[\s.]+[\u0E00-\u0E7F]+)*")
_HONORIFIC = re.compile(r"\b(?i:Mr|Mrs|Ms|Miss|Mister|Master|Mstr|Dr)\b\.?(?:\s+[A-Z][A-Za-z'\-]*){1,4}")
_NAME_LABEL = (r"(?:name|name_th|name_en|first|first_?name|given_?name|middle|middle_?name|last|"
               r"last_?name|surname|family_?name|full_?name)")
_LABELLED = re.compile(
    rf"""(?ix)(?<![A-Za-z0-9_])({_NAME_LABEL})(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;)\]}}]+)""")
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_HELD = re.compile("['\"“‘`]?\x00(\\d+)\x00['\"”’`]?")
# strict rules for server messages only
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”|‘[^’]*’|`[^`]*`")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DATE = re.compile(r"\b\d{4}-\d{2}(?:-\d{2})?(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\b")
# any token with five digits or more (citizen ids, phones, request and laser numbers), separators
# inside it included
_NUMBER = re.compile(r"\+?[A-Za-z]{0,3}\d(?:[- ]?\d){4,}")


def mask_names(text: str) -> str:
    """Thai script, honorific-led English names and labelled name values masked."""
    text = _LABELLED.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    text = _HONORIFIC.sub(MASK, text)
    return _THAI.sub(MASK, text)


def redact_server_message(message: str) -> str:
    """A server's error message with every value it might quote masked, cut to a short line.
    Record ids (UUIDs) are kept, quoted or not: they are not personal, and they say which record a
    refusal is about."""
    text = " ".join(str(message).split()).replace("\x00", "")
    held: list[str] = []

    def hold(m: re.Match[str]) -> str:
        held.append(m.group(0))
        return f"\x00{len(held) - 1}\x00"

    text = _UUID.sub(hold, text)
    text = _HELD.sub(lambda m: f"\x00{m.group(1)}\x00", text)  # a quoted id is not a quoted value
    text = _QUOTED.sub(MASK, text)
    text = _EMAIL.sub(MASK, text)
    text = _DATE.sub(MASK, text)
    text = mask_names(text)
    text = _NUMBER.sub(MASK, text)
    text = _HELD.sub(lambda m: held[int(m.group(1))], text)
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[: MAX_MESSAGE_CHARS - 3] + "..."
    return text


def safe_code(code: object, status: int) -> str:
    """The server's `error.code` when it is the contract's snake_case, else `http_<status>`."""
    text = str(code) if code is not None else ""
    return text if _CODE.fullmatch(text) else f"http_{status}"


def reason(code: str, message: str | None) -> str:
    """What is stored and shown for a refused record: `code: redacted message`."""
    shown = redact_server_message(message or "")
    return f"{code}: {shown}" if shown else code


def stored_reason(text: str) -> str:
    """A dead reason as the outbox keeps it, whoever wrote it: `code: redacted message` (a leading
    word that is not snake_case is not taken as a code)."""
    code, sep, message = str(text).partition(":")
    code = code.strip()
    if _CODE.fullmatch(code):
        return reason(code, message.strip())
    return reason("error", text)

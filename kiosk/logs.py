"""Structured logging: JSON lines on stderr (journald keeps them), one logger per subsystem, and a
redaction filter that masks personal data wherever it appears in a message or its fields.

Loggers are named `kiosk.<subsystem>` (card, camera, face, printer, outbox, sync, flow, ui,
server, cli). Pass structured fields with `extra={"fields": {...}}`.

What is masked, whatever the caller does:
- citizen ids: 13 digits (optionally grouped `1-2345-67890-12-3`) whose check digit is valid;
- Thai mobile numbers: `08x…`, `06x…`, `09x…` and `+668x…` forms, with or without separators;
- names: any run of Thai script (the kiosk logs in English, so Thai text in a line is a name, an
  address or a value a server quoted), English names after an honorific (`Mr. Somchai Jaidee`)
  and labelled name values (`first_name=…`, `"last": "…"`), see `sync.redact.mask_names`;
- the value of any field whose name looks like otp / code / token / pin / secret / password /
  signature / cid / phone / name.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Mapping
from typing import Any

from stdnum.th import pin as thai_pin

from sync.redact import mask_names

MASK = "[redacted]"

_CID_RE = re.compile(r"(?<![0-9])(\d)[- ]?(\d{4})[- ]?(\d{5})[- ]?(\d{2})[- ]?(\d)(?![0-9])")
_PHONE_RE = re.compile(r"(?<![0-9+])(?:\+?66[- ]?|0)[689](?:[- ]?\d){8}(?![0-9])")
# A field is sensitive when one of the words of its name (split on `_`, `-`, `.`) is one of these.
_SENSITIVE_WORDS = frozenset(
    "otp code token pin secret password passwd signature cid citizen phone mobile msisdn "
    "address photo dob birth first last surname fullname".split()
)
# ...except these, which name causes a technician needs (server error codes, HTTP status).
_NOT_SENSITIVE = frozenset({"error_code", "status_code", "reason_code", "http_code", "code_length"})


def _mask_cid(m: re.Match[str]) -> str:
    digits = "".join(m.groups())
    return MASK if thai_pin.is_valid(digits) else m.group(0)


def redact_text(text: str) -> str:
    """Mask citizen ids, Thai mobile numbers and names inside free text."""
    text = _CID_RE.sub(_mask_cid, text)
    text = _PHONE_RE.sub(MASK, text)
    return mask_names(text)


def is_sensitive_key(key: str) -> bool:
    low = key.lower()
    if low in _NOT_SENSITIVE:
        return False
    words = set(re.split(r"[_\-.\s]+", low))
    return bool(words & _SENSITIVE_WORDS) or low in {"name_th", "name_en"}


def redact_value(key: str, value: Any) -> Any:
    if is_sensitive_key(key) and value not in (None, "", [], {}) and not isinstance(value, bool):
        return MASK
    return redact(value)


def redact(value: Any) -> Any:
    """Redact personal data in any JSON-like value (strings, mappings, sequences)."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {str(k): redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(value)} bytes>"
    return value


class RedactionFilter(logging.Filter):
    """Rewrites each record so that no personal data can leave the process through logging."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string must not lose the log line
            message = str(record.msg)
        record.msg = redact_text(message)
        record.args = None
        fields = getattr(record, "fields", None)
        if isinstance(fields, Mapping):
            record.fields = redact(fields)
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            record.exc_text = f"{type(exc).__name__}: {redact_text(str(exc))}"
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, Mapping):
            line.update({k: v for k, v in fields.items() if k not in line})
        if record.exc_text:
            line["error"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


_configured = False
_base_factory = logging.getLogRecordFactory()
_redactor = RedactionFilter()


def _redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    # Redact at creation so every handler (journald, test capture, third-party) sees the masked
    # record; fields given through `extra` arrive later and are redacted by the handler's filter.
    record = _base_factory(*args, **kwargs)
    _redactor.filter(record)
    return record


def setup(level: str = "INFO", stream: Any = None) -> None:
    """Send every `kiosk.*`, `drivers.*` and `sync.*` log line, redacted, as JSON to stderr."""
    global _configured
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactionFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for h in list(root.handlers):
        # ours from an earlier call, and plain stderr handlers that libraries install with
        # basicConfig() at import time (python-escpos does): they would print unformatted lines
        if getattr(h, "_kiosk", False) or type(h) is logging.StreamHandler:
            root.removeHandler(h)
    handler._kiosk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    logging.setLogRecordFactory(_redacting_factory)
    # third-party chatter stays at warning
    for noisy in ("httpx", "httpcore", "uvicorn.access", "PIL", "escpos", "hypothesis"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    _configured = True


def get(subsystem: str) -> logging.Logger:
    """The logger of one subsystem, e.g. `get("card")` -> `kiosk.card`."""
    return logging.getLogger(f"kiosk.{subsystem}")

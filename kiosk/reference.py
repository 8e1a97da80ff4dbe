"""The human reference of a record: `reference_code(record_id) -> "K7Q-4MX"`, on the result
screen, the receipt, the referral slip and the help line's script. Six Crockford base-32
characters (no I, L, O, U: a code read over the phone is not misheard) from a hash of the record
id, so the same record always has the same reference and the id itself is never shown."""

from __future__ import annotations

import hashlib
from uuid import UUID

_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def reference_code(record_id: UUID) -> str:
    """Six Crockford base-32 characters from a hash of the record id, as `XXX-XXX`."""
    n = int.from_bytes(hashlib.sha256(record_id.bytes).digest()[:4], "big") >> 2  # 30 bits
    chars = "".join(_CODE_ALPHABET[(n >> (5 * i)) & 31] for i in reversed(range(6)))
    return f"{chars[:3]}-{chars[3:]}"

"""The IAL 2.3 QR token (`ial-qr.md`): a CWT in a COSE_Sign1, Base45, prefixed `TRK1:`.

Built directly with `cbor2` and `cryptography` (pycose 1.1.0 cannot decode with cbor2 >= 6):
the signed bytes are the COSE `Sig_structure` `["Signature1", protected, b"", payload]`, the
signature is ES256 as raw r||s (64 bytes), every map is deterministic CBOR.

`issue()` is the kiosk's encoder; `verify()` is the verifier shared with the reference server. It
applies the spec's rules in order and raises `InvalidToken(code)` with `code` one of `bad_format`,
`bad_alg`, `unknown_kid`, `bad_signature`, `wrong_aud`, `expired`, `not_yet_valid`. Whatever the
input, `verify()` raises nothing else. The later rules (`replayed`, `cid_mismatch`, `not_verified`,
`pending`) need the server's state; `binding_decision()` applies them in the spec's order so the
server and the test vectors share one implementation.

Errors: `InvalidToken(code)`; `ValueError` from `issue()` for arguments outside the spec.
"""

from __future__ import annotations

import io
import secrets
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

import base45
import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from sync.keys import DeviceKey

PREFIX = "TRK1:"
COSE_SIGN1_TAG = 18
ALG_ES256 = -7
MAX_LIFETIME_S = 120
MAX_FUTURE_IAT_S = 60
# A genuine token is ~230 bytes of COSE (~350 characters); anything far larger is refused unread.
MAX_TEXT_CHARS = 1200
MAX_COSE_BYTES = 800
PURPOSES = ("ial_upgrade", "register")

ErrorCode = Literal[
    "bad_format", "bad_alg", "unknown_kid", "bad_signature", "wrong_aud", "expired", "not_yet_valid"
]
BindingResult = Literal["bound", "pending", "replayed", "cid_mismatch", "not_verified"]


class InvalidToken(Exception):
    """The QR text is not an acceptable token; `code` says which rule refused it."""

    def __init__(self, code: ErrorCode, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code: ErrorCode = code
        self.detail = detail


@dataclass(frozen=True)
class IssuedToken:
    text: str
    cti: bytes
    iat: int
    exp: int


@dataclass(frozen=True)
class Claims:
    iss: str
    aud: str
    exp: int
    iat: int
    cti: bytes
    record_id: UUID
    ial: str
    purpose: str
    display_code: int
    kid: bytes


def _signature_input(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload], canonical=True)


def issue(
    key: DeviceKey,
    *,
    kiosk_id: str,
    audience: str,
    lifetime_s: int,
    record_id: UUID,
    purpose: str,
    display_code: int,
    now: int | None = None,
    cti: bytes | None = None,
) -> IssuedToken:
    """Sign a fresh token. `cti` is drawn from the CSPRNG; pass it only to reproduce a test vector."""
    if not 0 < lifetime_s <= MAX_LIFETIME_S:
        raise ValueError(f"QR lifetime must be 1-{MAX_LIFETIME_S} s, got {lifetime_s}")
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {PURPOSES}, got {purpose!r}")
    if not 10 <= display_code <= 99:
        raise ValueError(f"display code must be 10-99, got {display_code}")
    if not kiosk_id or not audience:
        raise ValueError("kiosk id and audience are required")
    iat = int(time.time()) if now is None else int(now)
    exp = iat + lifetime_s
    token_id = secrets.token_bytes(16) if cti is None else cti
    if len(token_id) != 16:
        raise ValueError("cti must be 16 bytes")
    claims: dict[Any, Any] = {
        1: kiosk_id,
        3: audience,
        4: exp,
        6: iat,
        7: token_id,
        "rid": record_id.bytes,
        "ial": "2.3",
        "pur": purpose,
        "code": display_code,
    }
    payload = cbor2.dumps(claims, canonical=True)
    protected = cbor2.dumps({1: ALG_ES256, 4: key.kid}, canonical=True)
    der = key.private_key.sign(_signature_input(protected, payload), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    cose = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]), canonical=True)
    return IssuedToken(PREFIX + base45.b45encode(cose).decode("ascii"), token_id, iat, exp)


def _cbor_exact(data: bytes) -> Any:
    """Decode one CBOR item that must span all of `data` (trailing bytes are malformed)."""
    fp = io.BytesIO(data)
    item = cbor2.CBORDecoder(fp).decode()
    if fp.tell() != len(data):
        raise ValueError("trailing bytes after CBOR item")
    return item


@dataclass(frozen=True)
class _Parsed:
    protected: bytes
    header: Mapping[Any, Any]
    payload: bytes
    claims: Mapping[Any, Any]
    signature: bytes


def _parse(text: object) -> _Parsed:
    def bad(detail: str) -> InvalidToken:
        return InvalidToken("bad_format", detail)

    if not isinstance(text, str) or len(text) > MAX_TEXT_CHARS:
        raise bad("not text or too long")
    if not text.startswith(PREFIX):
        raise bad("missing TRK1: prefix")
    try:
        cose = base45.b45decode(text[len(PREFIX):])
    except Exception:  # base45 raises ValueError/KeyError/TypeError on bad input
        raise bad("not Base45") from None
    if not cose or len(cose) > MAX_COSE_BYTES:
        raise bad("empty or oversized COSE")
    try:
        outer = _cbor_exact(cose)
    except Exception:  # any decoder failure (incl. recursion/overflow) is malformed input
        raise bad("not CBOR") from None
    if not isinstance(outer, cbor2.CBORTag) or outer.tag != COSE_SIGN1_TAG:
        raise bad("not a tagged COSE_Sign1")
    body = outer.value
    if not isinstance(body, list | tuple) or len(body) != 4:
        raise bad("COSE_Sign1 is not a 4-element array")
    protected, unprotected, payload, signature = body
    if not (isinstance(protected, bytes) and isinstance(payload, bytes) and isinstance(signature, bytes)):
        raise bad("COSE_Sign1 members have wrong types")
    if not isinstance(unprotected, Mapping):
        raise bad("unprotected header is not a map")
    try:
        header = _cbor_exact(protected)
        claims = _cbor_exact(payload)
    except Exception:
        raise bad("protected header or payload is not CBOR") from None
    if not isinstance(header, Mapping) or not isinstance(claims, Mapping):
        raise bad("protected header or payload is not a map")
    return _Parsed(protected, header, payload, claims, signature)


def _claims_of(claims: Mapping[Any, Any], kid: bytes) -> Claims:
    def get(k: Any, kind: type | tuple[type, ...]) -> Any:
        v = claims.get(k)
        if not isinstance(v, kind) or isinstance(v, bool):
            raise InvalidToken("bad_format", f"claim {k!r} missing or wrong type")
        return v

    iss, aud = get(1, str), get(3, str)
    exp, iat = get(4, int), get(6, int)
    cti, rid = get(7, bytes), get("rid", bytes)
    ial, pur, code = get("ial", str), get("pur", str), get("code", int)
    if len(cti) != 16 or len(rid) != 16:
        raise InvalidToken("bad_format", "cti and rid must be 16 bytes")
    if ial != "2.3" or pur not in PURPOSES or not 10 <= code <= 99:
        raise InvalidToken("bad_format", "ial, pur or code out of range")
    if not 0 < exp - iat <= MAX_LIFETIME_S:
        # A lifetime over the spec's limit is never honoured, whatever the signer claimed.
        raise InvalidToken("bad_format", "lifetime outside 1-120 s")
    return Claims(iss, aud, exp, iat, cti, UUID(bytes=rid), ial, pur, code, kid)


def verify(
    text: object,
    *,
    public_key_for_kid: Callable[[bytes], ec.EllipticCurvePublicKey | None],
    audience: str,
    now: int,
) -> Claims:
    """Check a token by the spec's rules, in order; returns its claims or raises `InvalidToken`."""
    parsed = _parse(text)
    kid_value = parsed.header.get(4)
    # the claims' shape is part of "well-formed", so it is checked before the algorithm
    claims = _claims_of(parsed.claims, kid_value if isinstance(kid_value, bytes) else b"")
    alg = parsed.header.get(1)
    if alg != ALG_ES256 or isinstance(alg, bool):
        raise InvalidToken("bad_alg", "alg is not ES256")
    if not isinstance(kid_value, bytes) or len(kid_value) != 8:
        raise InvalidToken("unknown_kid", "kid missing or not 8 bytes")
    try:
        public_key = public_key_for_kid(kid_value)
    except Exception:  # a lookup failure must not leak as a foreign exception
        public_key = None
    if public_key is None:
        raise InvalidToken("unknown_kid", f"kid {kid_value.hex()} is not an enrolled key")
    if len(parsed.signature) != 64:
        raise InvalidToken("bad_signature", "signature is not 64 bytes")
    r = int.from_bytes(parsed.signature[:32], "big")
    s = int.from_bytes(parsed.signature[32:], "big")
    try:
        public_key.verify(
            encode_dss_signature(r, s),
            _signature_input(parsed.protected, parsed.payload),
            ec.ECDSA(hashes.SHA256()),
        )
    except (InvalidSignature, ValueError):
        raise InvalidToken("bad_signature", "signature does not verify") from None
    if claims.aud != audience:
        raise InvalidToken("wrong_aud", "audience differs")
    if now >= claims.exp:
        raise InvalidToken("expired", "token expired")
    if claims.iat > now + MAX_FUTURE_IAT_S:
        raise InvalidToken("not_yet_valid", "issued in the future")
    return claims


def binding_decision(
    claims: Claims,
    *,
    seen_ctis: Collection[bytes],
    record: Mapping[str, Any] | None,
    account_cid: str,
) -> BindingResult:
    """The rules after `verify()`: replay, then (if the record has arrived) citizen id and outcome."""
    if claims.cti in seen_ctis:
        return "replayed"
    if record is None:
        return "pending"
    card = record.get("card") or {}
    if card.get("cid") != account_cid:
        return "cid_mismatch"
    if record.get("outcome") != "verified":
        return "not_verified"
    return "bound"

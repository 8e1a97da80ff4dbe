"""RFC 9421 HTTP Message Signatures for the kiosk's calls to the central server, both sides.

As `central-api.yaml` says: algorithm `ecdsa-p256-sha256`, label `kiosk`, covered components
`("@method" "@target-uri" "content-digest" "content-type")` (the content ones only when there
is a body), parameters `created`, `expires` (created + 300 s at most), `keyid`, `nonce`; the body
carries `Content-Digest` (RFC 9530, sha-256). Signing and verification both use the maintained
`http-message-signatures` library; this module only fixes the profile and owns the clock, the
window and the nonce, which the library leaves to its caller.

Errors: `SignatureRejected(code, message)` (verification side) with the codes the server answers
with 401: `signature_missing`, `signature_invalid`, `digest_mismatch`, `unknown_key`,
`key_revoked`, `signature_expired`, `clock_skew`, `nonce_replayed`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import http_sf
import httpx
from cryptography.hazmat.primitives.asymmetric import ec
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    InvalidSignature,
    algorithms,
)
from http_message_signatures.exceptions import HTTPMessageSignaturesException

LABEL = "kiosk"
WINDOW_S = 300
"""Largest distance between `created` and the server clock, and longest `expires - created`."""


class SigningKey(Protocol):
    """What signing needs from a device key (`sync.keys.DeviceKey` fits)."""

    @property
    def private_key(self) -> ec.EllipticCurvePrivateKey: ...


class SignatureRejected(Exception):
    """A request's signature cannot be accepted; `code` is the server's `error.code`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class _OneKey(HTTPSignatureKeyResolver):
    def __init__(self, private: ec.EllipticCurvePrivateKey | None = None,
                 public: ec.EllipticCurvePublicKey | None = None) -> None:
        self._private = private
        self._public = public

    def resolve_private_key(self, key_id: str) -> ec.EllipticCurvePrivateKey:
        assert self._private is not None
        return self._private

    def resolve_public_key(self, key_id: str) -> ec.EllipticCurvePublicKey:
        assert self._public is not None
        return self._public


def sign_request(request: httpx.Request, key: SigningKey, key_id: str, *, now: float | None = None) -> None:
    """Sign `request` in place (adds Content-Digest when it has a body, Signature-Input, Signature)."""
    body = request.content
    created = dt.datetime.fromtimestamp(int(now if now is not None else dt.datetime.now().timestamp()),
                                        tz=dt.UTC)
    components: tuple[str, ...] = ("@method", "@target-uri")
    if body:
        components += ("content-digest", "content-type")
    signer = HTTPMessageSigner(signature_algorithm=algorithms.ECDSA_P256_SHA256,
                               key_resolver=_OneKey(private=key.private_key))
    signer.sign(
        request,
        key_id=key_id,
        created=created,
        expires=created + dt.timedelta(seconds=WINDOW_S),
        nonce=secrets.token_urlsafe(16),
        label=LABEL,
        include_alg=False,
        covered_component_ids=components,
        body=body if body else None,
    )


@dataclass(frozen=True)
class KeyRecord:
    """What the server knows of a key id."""

    public_key: ec.EllipticCurvePublicKey
    revoked: bool


@dataclass
class _Message:
    """The request shape the library reads (method, absolute URL, headers)."""

    method: str
    url: str
    headers: Mapping[str, str]


class _WindowlessVerifier(HTTPMessageVerifier):
    # The window is checked by `verify_request` against the server's own (injectable) clock.
    def validate_created_and_expires(self, sig_input: Any, max_age: Any = None) -> None:
        return None


@dataclass(frozen=True)
class Verified:
    key_id: str
    nonce: str
    created: int


def _signature_params(headers: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    raw = headers.get("signature-input")
    if raw is None or headers.get("signature") is None:
        raise SignatureRejected("signature_missing", "the request is not signed (Signature-Input/Signature)")
    try:
        parsed: Any = http_sf.parse(raw.encode(), tltype="dictionary")
    except Exception:  # the header is attacker-controlled; any parse failure is one answer
        raise SignatureRejected("signature_invalid", "Signature-Input is malformed") from None
    if not isinstance(parsed, dict) or LABEL not in parsed:
        raise SignatureRejected("signature_invalid", f"no signature labelled {LABEL!r}")
    member, params = parsed[LABEL]
    if not isinstance(member, list):
        raise SignatureRejected("signature_invalid", "Signature-Input member is not an inner list")
    covered = [str(item[0]) for item in member]
    return dict(params), covered


def verify_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    key_for: Callable[[str], KeyRecord | None],
    now: float,
    nonce_unseen: Callable[[str, str], bool],
) -> Verified:
    """Check a request's signature as the spec says; `headers` must be case-insensitive (lowercase keys).

    `nonce_unseen(key_id, nonce)` records the nonce and answers False when it was seen before; it
    is called last, so a forged request cannot burn a legitimate nonce.
    """
    params, covered = _signature_params(headers)
    key_id, nonce, created, expires = (params.get(k) for k in ("keyid", "nonce", "created", "expires"))
    if not isinstance(key_id, str) or not isinstance(nonce, str) or not nonce:
        raise SignatureRejected("signature_invalid", "keyid and nonce parameters are required")
    if type(created) is not int or type(expires) is not int:
        raise SignatureRejected("signature_invalid", "created and expires parameters are required")
    required = ["@method", "@target-uri"] + (["content-digest", "content-type"] if body else [])
    missing = [c for c in required if c not in covered]
    if missing:
        raise SignatureRejected("signature_invalid", f"signature does not cover {', '.join(missing)}")
    record = key_for(key_id)
    if record is None:
        raise SignatureRejected("unknown_key", f"key {key_id[:32]!r} is not enrolled")
    if record.revoked:
        raise SignatureRejected("key_revoked", f"key {key_id} has been revoked; enroll the kiosk again")
    if abs(created - now) > WINDOW_S:
        raise SignatureRejected("clock_skew", f"created is {int(created - now)} s from server time "
                                              f"(allowed {WINDOW_S} s); check the kiosk clock")
    if expires < created or expires - created > WINDOW_S:
        raise SignatureRejected("signature_invalid", f"expires must be within {WINDOW_S} s of created")
    if expires < now:
        raise SignatureRejected("signature_expired", "the signature has expired")
    verifier = _WindowlessVerifier(signature_algorithm=algorithms.ECDSA_P256_SHA256,
                                   key_resolver=_OneKey(public=record.public_key))
    try:
        verifier.verify(_Message(method, url, headers), max_age=None, expect_tag=None,
                        body=body)
    except InvalidSignature as e:
        code = "digest_mismatch" if "digest" in str(e).lower() else "signature_invalid"
        raise SignatureRejected(code, "signature or content digest does not verify") from None
    except (HTTPMessageSignaturesException, ValueError, TypeError):
        raise SignatureRejected("signature_invalid", "signature cannot be checked") from None
    if not nonce_unseen(key_id, nonce):
        raise SignatureRejected("nonce_replayed", "this nonce was already used (replayed request)")
    return Verified(key_id, nonce, created)

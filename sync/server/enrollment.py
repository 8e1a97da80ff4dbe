"""Enrollment on the reference server: one-time tokens (minted by central staff), kiosk keys.

A token is valid once and for `ttl_s`; minting again for the same site makes the previous unused
token invalid (`superseded`). Only the token's SHA-256 is stored. Enrolling a kiosk that already
has a key revokes the old key (a re-enrolled kiosk signs with its new key only).
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from sync.keys import key_id_of, load_public_pem
from sync.server.context import ApiError
from sync.server.store import Store, sha256_hex

MIN_TTL_S = 60
MAX_TTL_S = 604800


def mint(store: Store, site_id: str, ttl_s: int, now: float) -> tuple[str, float]:
    """A new token for `site_id` (supersedes the site's unused ones); returns (token, expires_at)."""
    if not site_id.strip():
        raise ValueError("site id must not be empty")
    if not MIN_TTL_S <= ttl_s <= MAX_TTL_S:
        raise ValueError(f"ttl must be {MIN_TTL_S}-{MAX_TTL_S} s")
    token = "ENR-" + secrets.token_urlsafe(24)
    with store.tx() as db:
        db.execute("UPDATE enrollment_tokens SET superseded_at = ? "
                   "WHERE site_id = ? AND used_at IS NULL AND superseded_at IS NULL", (now, site_id))
        db.execute("INSERT INTO enrollment_tokens(token_sha256, site_id, created_at, expires_at) "
                   "VALUES (?, ?, ?, ?)", (sha256_hex(token), site_id, now, now + ttl_s))
    return token, now + ttl_s


def mint_token(db_path: Path, site_id: str, ttl_s: int = 86400) -> str:
    """Mint an enrollment token straight in the server's database (`kiosk central mint-token`)."""
    with Store(db_path) as store:
        return mint(store, site_id, ttl_s, time.time())[0]


def revoke_key(db_path: Path, key_id: str) -> bool:
    """Revoke a kiosk key (its signatures get 401 `key_revoked`); False when no such active key."""
    with Store(db_path) as store, store.tx() as db:
        cur = db.execute("UPDATE keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL",
                         (time.time(), key_id))
        return cur.rowcount == 1


def enroll(store: Store, *, token: str, kiosk_id: str, public_key_pem: str, model: str | None,
           site_name: str | None, site_province: str | None, now: float) -> str:
    """Register the kiosk's key with a token; returns the key id. Raises ApiError per the contract."""
    try:
        public_key: ec.EllipticCurvePublicKey = load_public_pem(public_key_pem)
    except (ValueError, TypeError):
        raise ApiError(400, "bad_public_key", "public_key_pem is not a P-256 SubjectPublicKeyInfo PEM") from None
    key_id = key_id_of(public_key)
    with store.tx() as db:
        row = db.execute("SELECT * FROM enrollment_tokens WHERE token_sha256 = ?", (sha256_hex(token),)).fetchone()
        if row is None:
            raise ApiError(403, "token_unknown", "this enrollment token is not known; check it or ask for a new one")
        if row["used_at"] is not None:
            raise ApiError(409, "token_used", "this enrollment token was already used; ask central for a new one")
        if row["superseded_at"] is not None:
            raise ApiError(410, "token_superseded",
                           "a newer token was minted for this site; use the newest token")
        if now >= row["expires_at"]:
            raise ApiError(410, "token_expired", "this enrollment token has expired; ask central for a new one")
        other = db.execute("SELECT kiosk_id FROM keys WHERE key_id = ?", (key_id,)).fetchone()
        if other is not None and other["kiosk_id"] != kiosk_id:
            raise ApiError(409, "key_in_use", "this public key is enrolled for another kiosk")
        db.execute("UPDATE enrollment_tokens SET used_at = ?, used_by = ? WHERE token_sha256 = ?",
                   (now, kiosk_id, row["token_sha256"]))
        db.execute("INSERT INTO kiosks(kiosk_id, site_id, model, site_name, site_province, enrolled_at) "
                   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(kiosk_id) DO UPDATE SET site_id = excluded.site_id, "
                   "model = excluded.model, site_name = excluded.site_name, "
                   "site_province = excluded.site_province, enrolled_at = excluded.enrolled_at",
                   (kiosk_id, row["site_id"], model, site_name, site_province, now))
        db.execute("UPDATE keys SET revoked_at = ? WHERE kiosk_id = ? AND key_id != ? AND revoked_at IS NULL",
                   (now, kiosk_id, key_id))
        db.execute("INSERT INTO keys(key_id, kiosk_id, public_key_pem, enrolled_at) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT(key_id) DO UPDATE SET revoked_at = NULL, enrolled_at = excluded.enrolled_at",
                   (key_id, kiosk_id, public_key_pem, now))
    return key_id

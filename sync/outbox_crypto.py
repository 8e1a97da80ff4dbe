"""Envelope encryption of outbox records.

Each record is sealed with AES-256-GCM under its own random data key (DEK); the DEK is wrapped
with AES key wrap (RFC 3394) under the key-encryption key (KEK), 32 random bytes kept in a 0600
file beside the database. The AAD binds a ciphertext to its record id, so rows cannot be swapped.
Deleting the wrapped DEK (on acknowledgement) makes the ciphertext unreadable even if a copy of it
survived somewhere.

Errors: `KekError` > `KekMissing`; `SealBroken` (a ciphertext or wrapped key that fails to open).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from sync import files

KEK_BYTES = 32
AAD_PREFIX = b"kiosk-outbox-record-v1|"


class KekError(Exception):
    """The key-encryption key cannot be used."""


class KekMissing(KekError):
    """The KEK file is gone while the database still holds encrypted records."""


class SealBroken(Exception):
    """A sealed record does not open: wrong KEK, or tampered/corrupt bytes."""


@dataclass(frozen=True)
class Sealed:
    wrapped_key: bytes
    nonce: bytes
    ciphertext: bytes


class Kek:
    def __init__(self, key: bytes) -> None:
        if len(key) != KEK_BYTES:
            raise KekError("KEK must be 32 bytes")
        self._key = key

    @classmethod
    def load(cls, path: Path) -> Kek:
        try:
            data = files.read_private(path)
        except FileNotFoundError:
            raise KekMissing(f"outbox key file {path} is missing") from None
        except OSError as e:
            raise KekError(f"outbox key file {path} cannot be read ({e.strerror})") from None
        if len(data) != KEK_BYTES:
            raise KekError(f"outbox key file {path} is not a 32-byte key")
        return cls(data)

    @classmethod
    def create(cls, path: Path) -> Kek:
        """Write a new KEK atomically with mode 0600; never replaces an existing file."""
        key = secrets.token_bytes(KEK_BYTES)
        if not files.create_private(path, key):
            return cls.load(path)  # another process created it first: use theirs
        return cls(key)

    def seal(self, record_id: str, plaintext: bytes) -> Sealed:
        dek = AESGCM.generate_key(bit_length=256)
        nonce = secrets.token_bytes(12)
        ciphertext = AESGCM(dek).encrypt(nonce, plaintext, AAD_PREFIX + record_id.encode("ascii"))
        return Sealed(aes_key_wrap(self._key, dek), nonce, ciphertext)

    def open(self, record_id: str, sealed: Sealed) -> bytes:
        try:
            dek = aes_key_unwrap(self._key, sealed.wrapped_key)
            return AESGCM(dek).decrypt(sealed.nonce, sealed.ciphertext, AAD_PREFIX + record_id.encode("ascii"))
        except (InvalidUnwrap, InvalidTag, ValueError):
            raise SealBroken(f"record {record_id} does not decrypt (wrong key or damaged)") from None

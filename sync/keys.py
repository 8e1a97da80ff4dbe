"""The kiosk's device key: a P-256 key that signs QR tokens and HTTP requests.

The private key lives in `<state_dir>/device-key.pem` (PKCS#8 PEM, file mode 0600, written
atomically so a crash never leaves half a key). The key id is the first 8 bytes of SHA-256 of the
public key's SubjectPublicKeyInfo DER: `kid` (bytes, the QR's COSE header) and `key_id` (16
lowercase hex digits, the enrollment API's form). A TPM-backed key can later implement the same
surface (`private_key`, `public_pem()`, `key_id`, `kid`).

Errors: `DeviceKeyError` > `KeyMissing`, `KeyUnreadable`.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from sync import files

log = logging.getLogger("kiosk.keys")

KEY_FILE = "device-key.pem"


class DeviceKeyError(Exception):
    """The device key cannot be used."""


class KeyMissing(DeviceKeyError):
    """No device key exists yet (run `kiosk keys init`)."""


class KeyUnreadable(DeviceKeyError):
    """The key file exists but is not a usable P-256 private key, or cannot be read."""


def spki_der(public_key: ec.EllipticCurvePublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def kid_of(public_key: ec.EllipticCurvePublicKey) -> bytes:
    """The 8-byte key id: first 8 bytes of SHA-256 of the SubjectPublicKeyInfo DER."""
    return hashlib.sha256(spki_der(public_key)).digest()[:8]


def key_id_of(public_key: ec.EllipticCurvePublicKey) -> str:
    """The key id as 16 lowercase hex digits."""
    return kid_of(public_key).hex()


def load_public_pem(pem: str | bytes) -> ec.EllipticCurvePublicKey:
    """A P-256 public key from SubjectPublicKeyInfo PEM; raises ValueError otherwise."""
    data = pem.encode() if isinstance(pem, str) else pem
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("not a P-256 public key")
    return key


class DeviceKey:
    """A loaded device key."""

    def __init__(self, private_key: ec.EllipticCurvePrivateKey, path: Path | None = None) -> None:
        if not isinstance(private_key.curve, ec.SECP256R1):
            raise KeyUnreadable("device key is not on curve P-256")
        self._private_key = private_key
        self.path = path

    def __enter__(self) -> DeviceKey:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Let go of the key (a TPM key's connection); a file key holds nothing open."""

    @property
    def private_key(self) -> ec.EllipticCurvePrivateKey:
        return self._private_key

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self._private_key.public_key()

    def public_pem(self) -> str:
        return self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    @property
    def kid(self) -> bytes:
        return kid_of(self.public_key)

    @property
    def key_id(self) -> str:
        return key_id_of(self.public_key)

    @staticmethod
    def path_in(state_dir: Path) -> Path:
        return Path(state_dir) / KEY_FILE

    @classmethod
    def generate(cls) -> DeviceKey:
        """A fresh key that is not stored anywhere (tests, vectors)."""
        return cls(ec.generate_private_key(ec.SECP256R1()))

    @classmethod
    def load(cls, state_dir: Path) -> DeviceKey:
        path = cls.path_in(state_dir)
        try:
            data = files.read_private(path)
        except FileNotFoundError:
            raise KeyMissing(f"no device key at {path} (run `kiosk keys init`)") from None
        except OSError as e:
            raise KeyUnreadable(f"device key {path} cannot be read ({e.strerror})") from None
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            raise KeyUnreadable(f"device key {path} is not a valid PEM private key") from None
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise KeyUnreadable(f"device key {path} is not an EC key")
        return cls(key, path)

    @classmethod
    def create(cls, state_dir: Path) -> DeviceKey:
        """Create and store a new key; refuses to overwrite an existing one."""
        try:
            return cls._create(state_dir)
        except OSError as e:
            raise DeviceKeyError(f"cannot write the device key in {state_dir} ({e.strerror})") from None

    @classmethod
    def _create(cls, state_dir: Path) -> DeviceKey:
        path = cls.path_in(state_dir)
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        if not files.create_private(path, pem):
            raise DeviceKeyError(f"a device key already exists at {path}")
        log.info("device key created", extra={"fields": {"key_id": key_id_of(key.public_key())}})
        return cls(key, path)

    @classmethod
    def load_or_create(cls, state_dir: Path) -> DeviceKey:
        try:
            return cls.load(state_dir)
        except KeyMissing:
            return cls.create(state_dir)

"""The kiosk's device key: a P-256 key that signs QR tokens, HTTP requests and audit events.

Two stores, one surface (`private_key`, `public_key`, `public_pem()`, `key_id`, `kid`, `store`):
- `tpm`: the key lives in the machine's TPM 2.0 (`sync.tpm`): generated inside, never readable
  out. `<state_dir>/device-key.tpm` (0600) holds its TSS2 PRIVATE KEY PEM, the public part and
  the private part wrapped by that TPM's storage key: a copy of the disk cannot sign anywhere else.
- `file`: the fallback where there is no TPM: `<state_dir>/device-key.pem` (PKCS#8 PEM, 0600,
  written atomically so a crash never leaves half a key).
`create(state_dir, store="auto")` makes the TPM key when the TPM named by the TCTI is present
and the file key otherwise; `load` takes whichever exists (the TPM one first). A TPM key holds a
connection to the TPM: `close()` it (or use the key as a context manager).

The key id is the first 8 bytes of SHA-256 of the public key's SubjectPublicKeyInfo DER: `kid`
(bytes, the QR's COSE header) and `key_id` (16 lowercase hex digits, the enrollment API's form).

Errors: `DeviceKeyError` > `KeyMissing`, `KeyUnreadable` (a TPM key this TPM cannot load included).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from sync import files, tpm

log = logging.getLogger("kiosk.keys")

KEY_FILE = "device-key.pem"
TPM_KEY_FILE = "device-key.tpm"
DEFAULT_TCTI = tpm.DEFAULT_TCTI
Store = Literal["tpm", "file"]


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

    def __init__(self, private_key: ec.EllipticCurvePrivateKey, path: Path | None = None,
                 store: Store = "file") -> None:
        if not isinstance(private_key.curve, ec.SECP256R1):
            raise KeyUnreadable("device key is not on curve P-256")
        self._private_key = private_key
        self.path = path
        self.store: Store = store

    def __enter__(self) -> DeviceKey:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Let go of the key (a TPM key's connection); a file key holds nothing open."""
        if isinstance(self._private_key, tpm.TpmPrivateKey):
            self._private_key.close()

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

    @staticmethod
    def tpm_path_in(state_dir: Path) -> Path:
        return Path(state_dir) / TPM_KEY_FILE

    @classmethod
    def exists(cls, state_dir: Path) -> bool:
        return cls.tpm_path_in(state_dir).exists() or cls.path_in(state_dir).exists()

    @classmethod
    def generate(cls) -> DeviceKey:
        """A fresh key that is not stored anywhere (tests, vectors)."""
        return cls(ec.generate_private_key(ec.SECP256R1()))

    @classmethod
    def load(cls, state_dir: Path, *, tcti: str = DEFAULT_TCTI) -> DeviceKey:
        tpm_path = cls.tpm_path_in(state_dir)
        if tpm_path.exists():
            return cls._load_tpm(tpm_path, tcti)
        path = cls.path_in(state_dir)
        try:
            data = files.read_private(path)
        except FileNotFoundError:
            raise KeyMissing(f"no device key in {Path(state_dir)} (run `kiosk keys init`)") from None
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
    def _load_tpm(cls, path: Path, tcti: str) -> DeviceKey:
        try:
            pem = files.read_private(path)
        except OSError as e:
            raise KeyUnreadable(f"device key {path} cannot be read ({e.strerror})") from None
        try:
            return cls(tpm.load(pem, tcti), path, "tpm")
        except tpm.TpmError as e:
            raise KeyUnreadable(f"TPM device key {path}: {e}") from None

    @classmethod
    def create(cls, state_dir: Path, *, store: Store | Literal["auto"] = "file",
               tcti: str = DEFAULT_TCTI) -> DeviceKey:
        """Create and store a new key (`auto`: in the TPM when there is one); refuses to replace one."""
        if cls.exists(state_dir):
            raise DeviceKeyError(f"a device key already exists in {Path(state_dir)}")
        chosen: Store = ("tpm" if tpm.present(tcti) else "file") if store == "auto" else store
        try:
            return cls._create_tpm(state_dir, tcti) if chosen == "tpm" else cls._create(state_dir)
        except OSError as e:
            raise DeviceKeyError(f"cannot write the device key in {state_dir} ({e.strerror})") from None

    @classmethod
    def _create_tpm(cls, state_dir: Path, tcti: str) -> DeviceKey:
        try:
            pem = tpm.create(tcti)
        except tpm.TpmError as e:
            raise DeviceKeyError(f"no device key made in the TPM: {e}") from None
        path = cls.tpm_path_in(state_dir)
        if not files.create_private(path, pem):
            raise DeviceKeyError(f"a device key already exists at {path}")
        key = cls._load_tpm(path, tcti)
        log.info("device key created in the TPM", extra={"fields": {"key_id": key.key_id}})
        return key

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
    def load_or_create(cls, state_dir: Path, *, store: Store | Literal["auto"] = "file",
                       tcti: str = DEFAULT_TCTI) -> DeviceKey:
        try:
            return cls.load(state_dir, tcti=tcti)
        except KeyMissing:
            return cls.create(state_dir, store=store, tcti=tcti)

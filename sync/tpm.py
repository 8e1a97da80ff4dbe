"""The device key inside a TPM 2.0, through tpm2-pytss (the TSS's own Python binding).

`create(tcti)` has the TPM generate a P-256 signing key under the owner hierarchy's standard
storage key (`TSSPrivKey.create_ecc`): the private part is made inside the TPM
(`sensitiveDataOrigin`) and may never leave it (`fixedTPM`, `fixedParent`: the TPM refuses to
duplicate it). What comes out is the "TSS2 PRIVATE KEY" PEM (the format of tpm2-openssl and
tpm2-tss-engine): the public part and the private part wrapped by that TPM's storage key, useless
on any other TPM or after the TPM is cleared. `load(pem, tcti)` loads it for signing and returns a
`TpmPrivateKey`, a `cryptography` EC private key whose `sign()` runs in the TPM (tpm2-pytss's
`tpm_ecc_private_key`, behind a lock: ESAPI is not thread-safe) and whose `private_bytes()` and
`private_numbers()` refuse: the QR token, the request signatures and the audit events take it
unchanged.

The TCTI string says how to reach the TPM: `device:/dev/tpmrm0` (the kernel's resource manager,
the default; the kiosk user is in the `tss` group), `swtpm:host=127.0.0.1,port=2321` (a software
TPM, for tests). `present(tcti)`: a device TCTI whose device node exists, or any other TCTI.

Errors: `TpmError` (the TPM cannot be reached or refuses; one line naming the cause).
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import Any, NoReturn

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

DEFAULT_TCTI = "device:/dev/tpmrm0"
PEM_BEGIN = b"-----BEGIN TSS2 PRIVATE KEY-----"


class TpmError(Exception):
    """The TPM cannot be reached, or refused an operation."""


def present(tcti: str) -> bool:
    """Whether this machine has the TPM the TCTI names (for a device TCTI, its node exists)."""
    name, _, conf = tcti.partition(":")
    if name == "device":
        return Path(conf or "/dev/tpmrm0").exists()
    return bool(name)


def _tss() -> Any:
    """The binding, imported on first use (its TSS libraries are loaded then, not at `kiosk --help`)."""
    # The TSS writes its own error lines to stderr; the kiosk reports TPM faults itself, in one line.
    os.environ.setdefault("TSS2_LOG", "all+NONE")
    try:
        import tpm2_pytss
        import tpm2_pytss.cryptography
        import tpm2_pytss.tsskey
    except Exception as e:  # ImportError, or OSError from a missing TSS library
        raise TpmError(f"the TPM binding cannot be loaded ({type(e).__name__}: {e}); "
                       "install libtss2-esys-3.0.2-0 and libtss2-tctildr0") from None
    return tpm2_pytss


def _connect(tss: Any, tcti: str) -> Any:
    name, _, conf = tcti.partition(":")
    try:
        return tss.ESAPI(tss.TCTILdr(name, conf or None))
    except Exception as e:
        hint = " (is the kiosk user in the `tss` group?)" if name == "device" and Path(conf).exists() else ""
        raise TpmError(f"cannot open the TPM at {tcti}: {e}{hint}") from None


def create(tcti: str) -> bytes:
    """Have the TPM generate a non-exportable P-256 signing key; returns its TSS2 PRIVATE KEY PEM."""
    tss = _tss()
    ectx = _connect(tss, tcti)
    try:
        key = tss.tsskey.TSSPrivKey.create_ecc(ectx, curveID=tss.constants.TPM2_ECC.NIST_P256)
        return bytes(key.to_pem())
    except Exception as e:
        raise TpmError(f"the TPM at {tcti} could not create a key: {e}") from None
    finally:
        ectx.close()


class TpmPrivateKey(ec.EllipticCurvePrivateKey):
    """A P-256 key that lives in the TPM: it signs (ECDSA with SHA-256) and never shows its private part."""

    def __init__(self, ectx: Any, handle: Any, tss: Any) -> None:
        self._ectx = ectx
        self._handle = handle
        self._lock = threading.Lock()
        self._key = tss.cryptography.tpm_ecc_private_key(ectx, handle)
        self._public: ec.EllipticCurvePublicKey = self._key.public_key()
        if not isinstance(self._public.curve, ec.SECP256R1):
            self.close()
            raise TpmError("the TPM key is not on curve P-256")

    @property
    def attributes(self) -> int:
        """The TPMA_OBJECT bits of the key as the TPM reports them."""
        with self._lock:
            public, _, _ = self._ectx.read_public(self._handle)
        return int(public.publicArea.objectAttributes)

    def sign(self, data: bytes | bytearray | memoryview, signature_algorithm: ec.EllipticCurveSignatureAlgorithm) -> bytes:
        algorithm = signature_algorithm.algorithm
        if isinstance(algorithm, Prehashed) or not isinstance(algorithm, hashes.SHA256):
            raise TpmError("the TPM key signs ECDSA with SHA-256 only")
        with self._lock:
            if self._ectx is None:
                raise TpmError("the TPM key was closed")
            try:
                return bytes(self._key.sign(bytes(data), signature_algorithm))
            except Exception as e:
                raise TpmError(f"the TPM refused to sign: {e}") from None

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self._public

    @property
    def curve(self) -> ec.EllipticCurve:
        return self._public.curve

    @property
    def key_size(self) -> int:
        return 256

    def _refuse(self) -> NoReturn:
        raise TpmError("the device key lives in the TPM: its private part cannot be read out")

    def private_numbers(self) -> ec.EllipticCurvePrivateNumbers:
        self._refuse()

    def private_bytes(self, encoding: Any, format: Any, encryption_algorithm: Any) -> bytes:
        self._refuse()

    def exchange(self, algorithm: ec.ECDH, peer_public_key: ec.EllipticCurvePublicKey) -> bytes:
        raise TpmError("the device key only signs")

    def __copy__(self) -> TpmPrivateKey:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> TpmPrivateKey:
        return self

    def close(self) -> None:
        """Unload the key and close the connection (a TPM without a resource manager holds only 3)."""
        with self._lock:
            ectx, self._ectx = self._ectx, None
            if ectx is None:
                return
            with contextlib.suppress(Exception):  # closing: the connection goes either way
                ectx.flush_context(self._handle)
            ectx.close()


def load(pem: bytes, tcti: str) -> TpmPrivateKey:
    """Load a key `create` made into this TPM; raises TpmError when it is not this TPM's."""
    tss = _tss()
    try:
        blob = tss.tsskey.TSSPrivKey.from_pem(pem)
    except Exception:
        raise TpmError("the file is not a TSS2 PRIVATE KEY") from None
    ectx = _connect(tss, tcti)
    try:
        handle = blob.load(ectx)
    except Exception as e:
        ectx.close()
        raise TpmError(f"the TPM at {tcti} cannot load this key ({e}): it was made by another TPM, or this TPM "
                       "was cleared since") from None
    try:
        return TpmPrivateKey(ectx, handle, tss)
    except TpmError:
        raise
    except Exception as e:
        with contextlib.suppress(Exception):
            ectx.flush_context(handle)
        ectx.close()
        raise TpmError(f"the TPM key cannot be used: {e}") from None

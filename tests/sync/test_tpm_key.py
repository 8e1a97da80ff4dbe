"""The device key inside a TPM 2.0, tested against Debian's software TPM (swtpm, libtpms) over the
real TSS stack (tpm2-pytss -> libtss2-esys -> the swtpm TCTI): made inside, signs QR tokens, request
signatures and audit events that verify with its public key, and its private part cannot be read
out: not through the key object, not by duplication (the TPM refuses), not from the file (a
wrapped blob that another TPM cannot load)."""

from __future__ import annotations

import os
import stat
import time
import uuid
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization

from sync import audit, qrtoken, tpm
from sync.keys import DeviceKey, DeviceKeyError, KeyUnreadable
from sync.signing import KeyRecord, verify_request
from tests.harness.swtpm import Swtpm

pytestmark = pytest.mark.daemon

PEM_PRIVATE = (serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def test_a_key_made_in_the_tpm_signs_qr_tokens_requests_and_audit_events(swtpm: Swtpm, tmp_path: Path) -> None:
    with DeviceKey.create(tmp_path, store="auto", tcti=swtpm.tcti) as key:
        assert key.store == "tpm" and key.path == tmp_path / "device-key.tpm"
        assert not (tmp_path / "device-key.pem").exists()
        assert stat.S_IMODE(key.path.stat().st_mode) == 0o600
        assert key.path.read_bytes().startswith(tpm.PEM_BEGIN)
        public = key.public_key
        # the QR token (ES256 COSE_Sign1), checked by the verifier the reference server uses
        now = int(time.time())
        token = qrtoken.issue(key, kiosk_id="KIOSK-TPM-01", audience="th.go.dga.tangrat", lifetime_s=120,
                              record_id=uuid.uuid4(), purpose="ial_upgrade", display_code=42, now=now)
        claims = qrtoken.verify(token.text, public_key_for_kid=lambda kid: public if kid == key.kid else None,
                                audience="th.go.dga.tangrat", now=now)
        assert claims.kid == key.kid and claims.iss == "KIOSK-TPM-01"
        # an RFC 9421 request signature, checked as the server does
        from sync.signing import sign_request

        request = httpx.Request("POST", "http://127.0.0.1:8700/v1/heartbeat", content=b'{"a": 1}',
                                headers={"content-type": "application/json"})
        sign_request(request, key, key.key_id, now=now)
        seen: set[str] = set()
        verified = verify_request("POST", str(request.url), {k.lower(): v for k, v in request.headers.items()},
                                  request.content, key_for=lambda kid: KeyRecord(public, False), now=now,
                                  nonce_unseen=lambda _k, n: not (n in seen or seen.add(n)))  # type: ignore[func-returns-value]
        assert verified.key_id == key.key_id
        # an audit event
        event = audit.AuditLog(tmp_path).record("key_created", kiosk_id="KIOSK-TPM-01", via="cli", key=key)
        [(_, signed)] = audit.AuditLog(tmp_path).unsent(None)
        assert audit.verify(signed, public) == event
    # loaded again (another process, a restart): the same key
    with DeviceKey.load(tmp_path, tcti=swtpm.tcti) as again:
        assert again.store == "tpm" and again.key_id == key.key_id


def test_the_private_key_cannot_be_read_out(swtpm: Swtpm, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    from tpm2_pytss import ESAPI, TCTILdr
    from tpm2_pytss.constants import ESYS_TR, TPM2_ALG, TPM2_CC, TPM2_SE, TPMA_OBJECT
    from tpm2_pytss.TSS2_Exception import TSS2_Exception
    from tpm2_pytss.tsskey import TSSPrivKey
    from tpm2_pytss.types import TPM2B_DATA, TPMT_SYM_DEF, TPMT_SYM_DEF_OBJECT

    with DeviceKey.create(tmp_path, store="tpm", tcti=swtpm.tcti) as key:
        with pytest.raises(tpm.TpmError, match="cannot be read out"):
            key.private_key.private_bytes(*PEM_PRIVATE)
        with pytest.raises(tpm.TpmError, match="cannot be read out"):
            key.private_key.private_numbers()
        attributes = key.private_key.attributes  # as the TPM reports them
        for bit in (TPMA_OBJECT.FIXEDTPM, TPMA_OBJECT.FIXEDPARENT, TPMA_OBJECT.SENSITIVEDATAORIGIN):
            assert attributes & bit, bit
    blob = key.path.read_bytes()
    with pytest.raises(ValueError):
        serialization.load_pem_private_key(blob, password=None)  # no private key in clear in the file
    # asking the TPM itself to export (duplicate) the key, with the policy session duplication needs
    ectx = ESAPI(TCTILdr("swtpm", swtpm.tcti.split(":", 1)[1]))
    try:
        handle = TSSPrivKey.from_pem(blob).load(ectx)
        session = ectx.start_auth_session(tpm_key=ESYS_TR.NONE, bind=ESYS_TR.NONE, session_type=TPM2_SE.POLICY,
                                          symmetric=TPMT_SYM_DEF(algorithm=TPM2_ALG.NULL), auth_hash=TPM2_ALG.SHA256)
        ectx.policy_command_code(session, TPM2_CC.Duplicate)
        with pytest.raises(TSS2_Exception):
            ectx.duplicate(handle, ESYS_TR.NONE, TPM2B_DATA(), TPMT_SYM_DEF_OBJECT(algorithm=TPM2_ALG.NULL),
                           session1=session)
        ectx.flush_context(session)
        ectx.flush_context(handle)
    finally:
        ectx.close()
    # the file copied to another machine (another TPM, other seeds) is useless there
    with Swtpm(tmp_path_factory.mktemp("other-tpm")) as other:
        copied = tmp_path_factory.mktemp("copied-disk")
        (copied / "device-key.tpm").write_bytes(blob)
        os.chmod(copied / "device-key.tpm", 0o600)
        with pytest.raises(KeyUnreadable, match="another TPM"):
            DeviceKey.load(copied, tcti=other.tcti)


def test_auto_falls_back_to_a_file_without_a_tpm_and_tpm_refuses(tmp_path: Path) -> None:
    missing = "device:" + str(tmp_path / "no-tpmrm0")
    assert not tpm.present(missing)
    with DeviceKey.create(tmp_path / "a", store="auto", tcti=missing) as key:
        assert key.store == "file" and key.path == tmp_path / "a" / "device-key.pem"
    with pytest.raises(DeviceKeyError, match="no device key made in the TPM: cannot open the TPM"):
        DeviceKey.create(tmp_path / "b", store="tpm", tcti="swtpm:host=127.0.0.1,port=1")
    assert not DeviceKey.exists(tmp_path / "b")

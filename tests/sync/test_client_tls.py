"""TLS: the client verifies the server's certificate against the configured CA bundle."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sync import client as c
from sync.server import ServerThread

pytestmark = pytest.mark.daemon


def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "central.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_tls_verified_with_the_ca_bundle_and_refused_without(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    with ServerThread(tmp_path / "c.sqlite", tls_cert=cert, tls_key=key) as srv:
        assert srv.url.startswith("https://127.0.0.1:")
        with c.CentralClient(srv.url, key=None, key_id=None, ca_bundle=str(cert)) as cl:
            assert cl.health()["status"] == "ok"
        with c.CentralClient(srv.url, key=None, key_id=None) as cl, pytest.raises(c.Offline) as e:
            cl.health()
    assert "CERTIFICATE_VERIFY_FAILED" in str(e.value) or "certificate" in str(e.value).lower()

"""The device key: creation with 0600 permissions, key id, loading, refusals."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from sync.keys import DeviceKey, DeviceKeyError, KeyMissing, KeyUnreadable, key_id_of, load_public_pem


def test_load_or_create_makes_a_private_p256_key_once(tmp_path: Path) -> None:
    state = tmp_path / "state"
    key = DeviceKey.load_or_create(state)
    path = state / "device-key.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key.private_key.curve.name == "secp256r1"
    again = DeviceKey.load_or_create(state)
    assert again.public_pem() == key.public_pem()
    assert list(state.iterdir()) == [path]  # no temporary file left behind


def test_key_id_is_the_first_8_bytes_of_sha256_of_the_spki_der(tmp_path: Path) -> None:
    key = DeviceKey.create(tmp_path)
    der = load_public_pem(key.public_pem()).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    digest = hashlib.sha256(der).digest()
    assert key.kid == digest[:8]
    assert key.key_id == digest[:8].hex() and len(key.key_id) == 16 and key.key_id.islower()
    assert key_id_of(key.public_key) == key.key_id


def test_load_without_a_key_raises_key_missing(tmp_path: Path) -> None:
    with pytest.raises(KeyMissing, match="kiosk keys init"):
        DeviceKey.load(tmp_path)


def test_create_never_replaces_an_existing_key(tmp_path: Path) -> None:
    first = DeviceKey.create(tmp_path)
    with pytest.raises(DeviceKeyError, match="already exists"):
        DeviceKey.create(tmp_path)
    assert DeviceKey.load(tmp_path).key_id == first.key_id


def test_garbage_key_file_is_unreadable_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "device-key.pem").write_bytes(b"not a key")
    with pytest.raises(KeyUnreadable):
        DeviceKey.load(tmp_path)
    with pytest.raises(KeyUnreadable):
        DeviceKey.load_or_create(tmp_path)
    assert (tmp_path / "device-key.pem").read_bytes() == b"not a key"


def test_too_open_permissions_are_tightened(tmp_path: Path) -> None:
    DeviceKey.create(tmp_path)
    path = tmp_path / "device-key.pem"
    path.chmod(0o644)
    DeviceKey.load(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_public_pem_rejects_other_curves() -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    other = ec.generate_private_key(ec.SECP384R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(ValueError):
        load_public_pem(other)


def test_unwritable_state_dir_is_a_device_key_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(DeviceKeyError, match="cannot write the device key"):
        DeviceKey.create(blocker / "state")

"""The QR vectors, against the verifier (and its binding rules) and against the encoder."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import base45
import cbor2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from sync import qrtoken
from sync.keys import DeviceKey, key_id_of, load_public_pem

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "qr-vectors"
DOC = json.loads((HERE / "vectors.json").read_text())
SPEC_CASES = {
    "valid", "bad-prefix", "bad-base45-alphabet", "bad-cbor", "alg-es384", "bad-signature", "unknown-kid",
    "expired", "not-yet-valid", "replayed", "wrong-audience", "citizen-id-mismatch",
}


def _enrolled() -> dict[bytes, ec.EllipticCurvePublicKey]:
    pub = load_public_pem(DOC["kiosk_public_key_pem"])
    return {bytes.fromhex(key_id_of(pub)): pub}


def answer(case: dict) -> str:
    keys = _enrolled()
    try:
        claims = qrtoken.verify(case["qr"], public_key_for_kid=keys.get, audience=case["audience"],
                                now=case["server_time"])
    except qrtoken.InvalidToken as e:
        return e.code
    return qrtoken.binding_decision(
        claims, seen_ctis={bytes.fromhex(c) for c in case["seen_ctis"]}, record=case["record"],
        account_cid=case["account_cid"],
    )


def test_every_case_of_the_spec_is_present() -> None:
    assert SPEC_CASES <= {c["name"] for c in DOC["cases"]}
    assert DOC["kiosk_key_id"] == key_id_of(load_public_pem(DOC["kiosk_public_key_pem"]))


@pytest.mark.parametrize("case", DOC["cases"], ids=[c["name"] for c in DOC["cases"]])
def test_verifier_gives_the_expected_answer(case: dict) -> None:
    assert answer(case) == case["expected"]


def _parts(text: str) -> tuple[bytes, object, bytes, bytes]:
    outer = cbor2.loads(base45.b45decode(text[len(qrtoken.PREFIX):]))
    assert isinstance(outer, cbor2.CBORTag) and outer.tag == 18
    protected, unprotected, payload, signature = outer.value
    return protected, unprotected, payload, signature


def test_encoder_reproduces_the_valid_vector() -> None:
    private = serialization.load_pem_private_key((HERE / "kiosk-key.pem").read_bytes(), password=None)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    key = DeviceKey(private)
    inputs = DOC["issue"]
    token = qrtoken.issue(key, kiosk_id=inputs["kiosk_id"], audience=inputs["audience"],
                          lifetime_s=inputs["lifetime_s"], record_id=uuid.UUID(inputs["record_id"]),
                          purpose=inputs["purpose"], display_code=inputs["display_code"], now=inputs["now"],
                          cti=bytes.fromhex(inputs["cti"]))
    valid = next(c for c in DOC["cases"] if c["name"] == "valid")
    mine, theirs = _parts(token.text), _parts(valid["qr"])
    # ECDSA signatures are randomised: headers and claims are deterministic CBOR, byte for byte
    assert mine[0] == theirs[0] and mine[2] == theirs[2] and dict(mine[1]) == dict(theirs[1]) == {}
    assert len(mine[3]) == 64
    # and the fresh token passes every vector that the valid one passes
    for case in DOC["cases"]:
        if case["qr"] == valid["qr"]:
            assert answer({**case, "qr": token.text}) == case["expected"], case["name"]


def test_decoded_claims_follow_the_spec() -> None:
    valid = next(c for c in DOC["cases"] if c["name"] == "valid")
    protected, _, payload, _ = _parts(valid["qr"])
    header = cbor2.loads(protected)
    assert header == {1: -7, 4: bytes.fromhex(DOC["kiosk_key_id"])}
    claims = cbor2.loads(payload)
    assert set(claims) == {1, 3, 4, 6, 7, "rid", "ial", "pur", "code"}
    assert claims[4] - claims[6] == 120 and claims["ial"] == "2.3"
    assert uuid.UUID(bytes=claims["rid"]) == uuid.UUID(DOC["issue"]["record_id"])
    assert cbor2.dumps(claims, canonical=True) == payload  # deterministic encoding
    assert set(valid["qr"]) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")

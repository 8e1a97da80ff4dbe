"""The QR token encoder and verifier: round trip, argument limits, and fuzzing of the decoder."""

from __future__ import annotations

import uuid

import base45
import cbor2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync import qrtoken
from sync.keys import DeviceKey

KEY = DeviceKey.generate()
AUD = "th.go.dga.tangrat"
NOW = 1_790_000_000
RID = uuid.UUID("0d3c8f4e-1a2b-4c5d-8e9f-001122334455")
TOKEN = qrtoken.issue(KEY, kiosk_id="KIOSK-DEV-001", audience=AUD, lifetime_s=120, record_id=RID,
                      purpose="register", display_code=10, now=NOW)


def lookup(kid: bytes):  # type: ignore[no-untyped-def]
    return KEY.public_key if kid == KEY.kid else None


def check(text: object, now: int = NOW + 1) -> qrtoken.Claims:
    return qrtoken.verify(text, public_key_for_kid=lookup, audience=AUD, now=now)


def test_round_trip_carries_the_claims() -> None:
    claims = check(TOKEN.text)
    assert claims.record_id == RID and claims.purpose == "register" and claims.display_code == 10
    assert claims.iss == "KIOSK-DEV-001" and claims.kid == KEY.kid and claims.ial == "2.3"
    assert (claims.iat, claims.exp, claims.cti) == (TOKEN.iat, TOKEN.exp, TOKEN.cti)


def test_each_token_has_a_fresh_cti() -> None:
    ctis = {qrtoken.issue(KEY, kiosk_id="K-1", audience=AUD, lifetime_s=60, record_id=RID, purpose="register",
                          display_code=50).cti for _ in range(50)}
    assert len(ctis) == 50 and all(len(c) == 16 for c in ctis)


def test_token_is_short_enough_for_a_version_9_to_11_code() -> None:
    assert len(TOKEN.text) < 330


@pytest.mark.parametrize(
    "change",
    [{"lifetime_s": 121}, {"lifetime_s": 0}, {"purpose": "other"}, {"display_code": 9}, {"display_code": 100},
     {"kiosk_id": ""}],
)
def test_issue_refuses_arguments_outside_the_spec(change: dict) -> None:
    args = dict(kiosk_id="K-1", audience=AUD, lifetime_s=120, record_id=RID, purpose="register", display_code=47)
    args.update(change)
    with pytest.raises(ValueError):
        qrtoken.issue(KEY, **args)  # type: ignore[arg-type]


def _resign(claims: dict, header: dict | None = None) -> str:
    """A token with arbitrary claims, correctly signed by KEY (to test the claim rules alone)."""
    protected = cbor2.dumps(header or {1: -7, 4: KEY.kid}, canonical=True)
    payload = cbor2.dumps(claims, canonical=True)
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    r, s = decode_dss_signature(KEY.private_key.sign(
        cbor2.dumps(["Signature1", protected, b"", payload]), ec.ECDSA(hashes.SHA256())))
    sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return "TRK1:" + base45.b45encode(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, sig]))).decode()


def _claims(**over: object) -> dict:
    c: dict = {1: "K-1", 3: AUD, 4: NOW + 120, 6: NOW, 7: b"\x01" * 16, "rid": RID.bytes, "ial": "2.3",
               "pur": "register", "code": 47}
    c.update({k if not k.startswith("k") else int(k[1:]): v for k, v in over.items()})
    return c


def test_a_correctly_signed_token_with_a_long_lifetime_is_refused() -> None:
    with pytest.raises(qrtoken.InvalidToken) as e:
        check(_resign(_claims(k4=NOW + 3600)))
    assert e.value.code == "bad_format"
    assert check(_resign(_claims())).display_code == 47


@pytest.mark.parametrize("over", [{"ial": "2.2"}, {"code": 5}, {"rid": b"short"}, {"k7": "text"}, {"k4": True}])
def test_claims_of_the_wrong_shape_are_bad_format(over: dict) -> None:
    with pytest.raises(qrtoken.InvalidToken) as e:
        check(_resign(_claims(**over)))
    assert e.value.code == "bad_format"


def test_missing_or_short_kid_is_unknown_kid() -> None:
    with pytest.raises(qrtoken.InvalidToken) as e:
        check(_resign(_claims(), header={1: -7}))
    assert e.value.code == "unknown_kid"


def test_a_failing_key_lookup_is_unknown_kid() -> None:
    def broken(kid: bytes):  # type: ignore[no-untyped-def]
        raise RuntimeError("registry down")

    with pytest.raises(qrtoken.InvalidToken) as e:
        qrtoken.verify(TOKEN.text, public_key_for_kid=broken, audience=AUD, now=NOW)
    assert e.value.code == "unknown_kid"


CODES = {"bad_format", "bad_alg", "unknown_kid", "bad_signature", "wrong_aud", "expired", "not_yet_valid"}
FUZZ = settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def _only_invalid_token(text: object) -> None:
    try:
        check(text)
    except qrtoken.InvalidToken as e:
        assert e.code in CODES
    # a mutated token that still verifies would be a forgery: it must not happen
    else:
        assert text == TOKEN.text


@FUZZ
@given(st.text(max_size=400))
def test_random_text_only_raises_invalid_token(text: str) -> None:
    _only_invalid_token(text)
    _only_invalid_token("TRK1:" + text)


@FUZZ
@given(st.binary(max_size=600))
def test_random_cose_bytes_only_raise_invalid_token(data: bytes) -> None:
    _only_invalid_token("TRK1:" + base45.b45encode(data).decode())


@FUZZ
@given(st.data())
def test_mutated_tokens_only_raise_invalid_token(data: st.DataObject) -> None:
    raw = bytearray(base45.b45decode(TOKEN.text[5:]))
    kind = data.draw(st.sampled_from(["flip", "cut", "insert", "text"]))
    if kind == "flip":
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] ^= data.draw(st.integers(1, 255))
    elif kind == "cut":
        i = data.draw(st.integers(0, len(raw) - 1))
        del raw[i:i + data.draw(st.integers(1, 40))]
    elif kind == "insert":
        i = data.draw(st.integers(0, len(raw)))
        raw[i:i] = data.draw(st.binary(min_size=1, max_size=20))
    else:
        text = list(TOKEN.text)
        i = data.draw(st.integers(0, len(text) - 1))
        text[i] = data.draw(st.characters())
        _only_invalid_token("".join(text))
        return
    _only_invalid_token("TRK1:" + base45.b45encode(bytes(raw)).decode())


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.binary(max_size=20) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.integers() | st.text(max_size=5), inner, max_size=5),
    max_leaves=20,
))
def test_arbitrary_cbor_structures_only_raise_invalid_token(value: object) -> None:
    for shaped in (value, cbor2.CBORTag(18, value), cbor2.CBORTag(18, [value, {}, value, value])):
        try:
            encoded = cbor2.dumps(shaped)
        except Exception:
            continue
        _only_invalid_token("TRK1:" + base45.b45encode(encoded).decode())


def test_non_text_input_is_bad_format() -> None:
    for value in (None, b"TRK1:", 42):
        with pytest.raises(qrtoken.InvalidToken) as e:
            check(value)
        assert e.value.code == "bad_format"

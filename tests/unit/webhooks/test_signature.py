import hashlib
import hmac

import pytest

from service.webhooks.signature import SignatureError, compute, sign, verify

SECRET = "whsec-test"
BODY = b'{"event_id": 1, "type": "connection.created", "created": 1.5, "data": {}}'
NOW = 1_700_000_000


def test_v1_is_hmac_sha256_of_t_dot_body_in_hex():
    # Computed independently of the module: the documented recipe.
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert compute(SECRET, NOW, BODY) == expected
    assert sign(SECRET, BODY, NOW) == f"t={NOW},v1={expected}"


def test_a_correct_signature_verifies_and_returns_its_time():
    assert verify(sign(SECRET, BODY, NOW), BODY, SECRET, 300, now=NOW + 299) == NOW


def test_any_v1_may_match_and_other_schemes_are_ignored():
    good = compute(SECRET, NOW, BODY)
    header = f"t={NOW},v0=deadbeef,v1={'0' * 64},v1={good}"
    assert verify(header, BODY, SECRET, 300, now=NOW) == NOW


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "Missing"),
        ("", "Missing"),
        ("garbage", "Malformed"),
        (f"t={NOW}", "Malformed"),
        ("v1=abc", "Malformed"),
        (f"t=-{NOW},v1=abc", "Malformed"),
        (f"t={NOW},t={NOW},v1=abc", "Malformed"),
        (f"t={NOW},v0={'0' * 64}", "Malformed"),
    ],
)
def test_missing_or_malformed_headers_are_refused(header, reason):
    with pytest.raises(SignatureError, match=reason):
        verify(header, BODY, SECRET, 300, now=NOW)


def test_a_changed_body_or_secret_is_refused():
    header = sign(SECRET, BODY, NOW)
    with pytest.raises(SignatureError, match="does not match"):
        verify(header, BODY + b" ", SECRET, 300, now=NOW)
    with pytest.raises(SignatureError, match="does not match"):
        verify(header, BODY, "other-secret", 300, now=NOW)


@pytest.mark.parametrize("skew", [-301, 301])
def test_stale_or_future_timestamps_are_refused(skew):
    with pytest.raises(SignatureError, match="tolerance"):
        verify(sign(SECRET, BODY, NOW), BODY, SECRET, 300, now=NOW + skew)


@pytest.mark.parametrize(
    "header",
    [
        f"t={NOW},v1=é",  # non-ASCII: compare_digest on str raised TypeError
        f"t={NOW},v1={'é' * 64}",
        f"t={NOW},v1={'0' * 63}",  # hex, but not a SHA-256
        f"t={NOW},v1={'0' * 66}",
        f"t={NOW},v1={'g' * 64}",
        "t=1" + "0" * 400 + f",v1={'0' * 64}",  # OverflowError in the tolerance check
        "t=" + "9" * 5000 + f",v1={'0' * 64}",  # ValueError: the int-digits limit
        f"t=١٢٣,v1={'0' * 64}",  # Arabic-Indic digits: isdigit() but not ASCII
        f"t=1_0,v1={'0' * 64}",
        f"t={NOW},v1={'0' * 64}," + "x=1," * 400,  # too long to look at
    ],
)
def test_hostile_headers_are_a_signature_error_never_another_exception(header):
    with pytest.raises(SignatureError, match="Malformed"):
        verify(header, BODY, SECRET, 300, now=NOW)


def test_an_uppercase_hex_digest_is_the_same_digest():
    header = f"t={NOW},v1={compute(SECRET, NOW, BODY).upper()}"
    assert verify(header, BODY, SECRET, 300, now=NOW) == NOW

"""Bearer JWT parsing and validation: every way a token can fail is an InvalidToken."""

import base64
import json
import time

import jwt
import pytest

from service.domain.auth import InvalidToken, bearer_token, decode_token, mint_token

SECRET = "unit-test-secret-" * 4


def claims(**overrides):
    now = int(time.time())
    base = {"user_id": 7, "token_type": "access", "jti": "abc", "iat": now, "exp": now + 60}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not ...}


def sign(payload, secret=SECRET, algorithm="HS256"):
    return jwt.encode(payload, secret, algorithm=algorithm)


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_minted_token_round_trips():
    token = mint_token(42, SECRET, ttl_seconds=30)
    assert decode_token(token, SECRET) == 42
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "HS256", "typ": "JWT"}
    payload = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert payload["exp"] - payload["iat"] == 30 and payload["token_type"] == "access"


def test_selfcommunity_example_shape_is_accepted():
    now = int(time.time())
    token = sign(
        {
            "user_id": 1,
            "token_type": "access",
            "jti": str(now * 1000),
            "iat": now,
            "exp": now + 3600,
            "ext_id": "x",
        }
    )
    assert decode_token(token, SECRET) == 1


@pytest.mark.parametrize(
    "header,expected",
    [
        (None, None),
        ("", None),
        ("Bearer abc.def.ghi", "abc.def.ghi"),
        ("bearer  tok ", "tok"),
    ],
)
def test_bearer_token_parsing(header, expected):
    assert bearer_token(header) == expected


@pytest.mark.parametrize("header", ["Basic dXNlcjpwdw==", "Bearer", "Bearer a b", "Token x"])
def test_malformed_authorization_header(header):
    with pytest.raises(InvalidToken, match="Bearer <token>"):
        bearer_token(header)


def test_expired():
    now = int(time.time())
    with pytest.raises(InvalidToken, match="expired"):
        decode_token(sign(claims(iat=now - 100, exp=now - 1)), SECRET)


def test_exp_is_checked_against_the_given_clock():
    token = sign(claims(iat=1000, exp=2000))
    assert decode_token(token, SECRET, now=1999) == 7
    with pytest.raises(InvalidToken, match="expired"):
        decode_token(token, SECRET, now=2000)


def test_wrong_secret():
    with pytest.raises(InvalidToken, match="signature"):
        decode_token(sign(claims(), secret="another-secret-" * 5), SECRET)


def test_alg_none_is_refused():
    token = b64({"alg": "none", "typ": "JWT"}) + "." + b64(claims()) + "."
    with pytest.raises(InvalidToken, match="HS256"):
        decode_token(token, SECRET)


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
def test_other_algorithms_are_refused(algorithm):
    with pytest.raises(InvalidToken, match="HS256"):
        decode_token(sign(claims(), algorithm=algorithm), SECRET)


@pytest.mark.parametrize("missing", ["user_id", "token_type", "jti", "iat", "exp"])
def test_each_missing_claim_is_named(missing):
    with pytest.raises(InvalidToken, match=missing):
        decode_token(sign(claims(**{missing: ...})), SECRET)


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"token_type": "refresh"}, "access"),
        ({"user_id": "7"}, "user_id"),
        ({"user_id": True}, "user_id"),
        ({"user_id": 7.5}, "user_id"),
        ({"jti": ""}, "jti"),
        ({"exp": "tomorrow"}, "exp"),
    ],
)
def test_bad_claim_values(overrides, message):
    with pytest.raises(InvalidToken, match=message):
        decode_token(sign(claims(**overrides)), SECRET)


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "", "....."])
def test_garbage_tokens(token):
    with pytest.raises(InvalidToken):
        decode_token(token, SECRET)


def raw_token(payload_json: str, secret=SECRET) -> str:
    """A token whose payload is exactly `payload_json` (Infinity and NaN included)."""
    import hashlib
    import hmac

    head = b64({"alg": "HS256", "typ": "JWT"})
    body = base64.urlsafe_b64encode(payload_json.encode()).rstrip(b"=").decode()
    mac = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


@pytest.mark.parametrize(
    "exp,iat",
    [("Infinity", "1"), ("NaN", "1"), ("1e999", "1"), ("9e9", "-Infinity"), ("9e9", "NaN")],
)
def test_exp_and_iat_must_be_finite(exp, iat):
    payload = f'{{"user_id": 7, "token_type": "access", "jti": "a", "exp": {exp}, "iat": {iat}}}'
    with pytest.raises(InvalidToken, match="NumericDate"):
        decode_token(raw_token(payload), SECRET)


def test_iat_in_the_future_is_refused_beyond_the_leeway():
    now = int(time.time())
    with pytest.raises(InvalidToken, match="iat"):
        decode_token(sign(claims(iat=now + 120, exp=now + 600)), SECRET, now=now)
    assert decode_token(sign(claims(iat=now + 30, exp=now + 600)), SECRET, now=now) == 7


def test_an_optional_maximum_lifetime():
    now = int(time.time())
    long_lived = sign(claims(iat=now, exp=now + 86400 * 365))
    assert decode_token(long_lived, SECRET, now=now) == 7
    with pytest.raises(InvalidToken, match="lifetime"):
        decode_token(long_lived, SECRET, now=now, max_lifetime=3600)
    assert decode_token(sign(claims(iat=now, exp=now + 3600)), SECRET, max_lifetime=3600) == 7

"""SelfCommunity's Bearer JWTs: HS256 only, with the claims its docs require."""

from __future__ import annotations

import math
import time
import uuid

import jwt

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("user_id", "token_type", "jti", "iat", "exp")
# Clock skew allowed between SelfCommunity's servers and ours for `iat`.
IAT_LEEWAY_SECONDS = 60


class InvalidToken(Exception):
    """The token is present but unusable; the message is safe to show the client."""


def bearer_token(authorization: str | None) -> str | None:
    """The token from an `Authorization: Bearer <token>` header; None when there is no header."""
    if authorization is None or not authorization.strip():
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or " " in token.strip():
        raise InvalidToken("Authorization header must be 'Bearer <token>'.")
    return token.strip()


def decode_token(
    token: str, secret: str, *, now: float | None = None, max_lifetime: float = 0
) -> int:
    """The token's `user_id` once signature, algorithm, claims and expiry check out.

    `exp` and `iat` are finite numbers, `iat` is not ahead of `now` (beyond the leeway), and
    with `max_lifetime` > 0 a token may not be valid for longer than that (`exp - iat`).
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise InvalidToken("Token is malformed.") from None
    if header.get("alg") != ALGORITHM:
        raise InvalidToken("Token must be signed with HS256.")
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": list(REQUIRED_CLAIMS), "verify_exp": False, "verify_iat": False},
        )
    except jwt.MissingRequiredClaimError as exc:
        raise InvalidToken(f"Token is missing the '{exc.claim}' claim.") from None
    except jwt.InvalidSignatureError:
        raise InvalidToken("Token signature is invalid.") from None
    except jwt.InvalidTokenError:
        raise InvalidToken("Token is invalid.") from None
    return _checked_user_id(claims, time.time() if now is None else now, max_lifetime)


def _checked_user_id(claims: dict, now: float, max_lifetime: float) -> int:
    # Checked by hand rather than by PyJWT so bools, strings, Infinity and NaN (which Python's
    # JSON parser accepts) never pass as numbers.
    for name in ("exp", "iat"):
        value = claims[name]
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise InvalidToken(f"Token claim '{name}' must be a NumericDate.")
    if now >= claims["exp"]:
        raise InvalidToken("Token has expired.")
    if claims["iat"] > now + IAT_LEEWAY_SECONDS:
        raise InvalidToken("Token claim 'iat' is in the future.")
    if max_lifetime > 0 and claims["exp"] - claims["iat"] > max_lifetime:
        raise InvalidToken(f"Token lifetime exceeds the maximum of {max_lifetime:g} seconds.")
    if claims["token_type"] != "access":
        raise InvalidToken("Token type must be 'access'.")
    if (
        not isinstance(claims["jti"], str | int)
        or isinstance(claims["jti"], bool)
        or claims["jti"] == ""
    ):
        raise InvalidToken("Token claim 'jti' must be a non-empty identifier.")
    user_id = claims["user_id"]
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise InvalidToken("Token claim 'user_id' must be an integer.")
    return user_id


def mint_token(user_id: int, secret: str, *, ttl_seconds: int = 3600) -> str:
    """An access token for local use (`connections token`); short-lived by default."""
    now = int(time.time())
    claims = {
        "user_id": user_id,
        "token_type": "access",
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM, headers={"typ": "JWT"})

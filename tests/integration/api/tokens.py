"""The API tests' secret and SimpleJWT-shaped access tokens, minted with PyJWT, not the service."""

from __future__ import annotations

import time

import jwt

SECRET = "integration-test-secret-0123456789abcdef"


def bearer(user_id, **claims) -> dict:
    """An Authorization header for `user_id` as SimpleJWT signs one; a claim set to None is left
    out, any other replaces the default."""
    now = int(time.time())
    payload = {
        "user_id": user_id,
        "token_type": "access",
        "jti": "j1",
        "iat": now,
        "exp": now + 600,
        **claims,
    }
    payload = {k: v for k, v in payload.items() if v is not None}
    return {"Authorization": "Bearer " + jwt.encode(payload, SECRET, algorithm="HS256")}

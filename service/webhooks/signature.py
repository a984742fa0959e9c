"""`SelfCommunity-Signature`: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`."""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "SelfCommunity-Signature"
SCHEME = "v1"


class SignatureError(Exception):
    """The signature is missing, malformed, wrong, or outside the tolerance window."""


def compute(secret: str, timestamp: int, body: bytes) -> str:
    """The hex `v1` value for `body` signed at `timestamp`."""
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value SelfCommunity sends with `body` (signed now unless told otherwise)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},{SCHEME}={compute(secret, timestamp, body)}"


def verify(
    header: str | None, body: bytes, secret: str, tolerance: float, now: float | None = None
) -> int:
    """The signed timestamp, once the header matches `body` within `tolerance` seconds.

    Accepts a match on any `v1` value (SelfCommunity may send several while rotating secrets)
    and ignores other schemes; compares in constant time.
    """
    if not header or not header.strip():
        raise SignatureError(f"Missing {HEADER} header.")
    timestamp, candidates = _parse(header)
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError("Signature timestamp is outside the tolerance window.")
    expected = compute(secret, timestamp, body)
    # Check every candidate so the time taken does not depend on which one matched.
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise SignatureError("Signature does not match the body.")
    return timestamp


def _parse(header: str) -> tuple[int, list[str]]:
    timestamp = None
    candidates = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            raise SignatureError(f"Malformed {HEADER} header.")
        if key == "t":
            if timestamp is not None or not value.isascii() or not value.isdigit():
                raise SignatureError(f"Malformed {HEADER} header: bad t.")
            timestamp = int(value)
        elif key == SCHEME:
            candidates.append(value.strip())
    if timestamp is None or not candidates:
        raise SignatureError(f"Malformed {HEADER} header: needs t and {SCHEME}.")
    return timestamp, candidates

"""`SelfCommunity-Signature`: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.

The header comes from anyone who can reach the route, so it is parsed strictly before any
arithmetic or comparison: `t` is 1 to 10 ASCII digits, each `v1` exactly 64 hex digits, and
the digests are compared as bytes. Anything else is a SignatureError (401), never a 500.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

HEADER = "SelfCommunity-Signature"
SCHEME = "v1"
# Unix seconds up to 9,999,999,999 (year 2286): int() and the tolerance check stay cheap.
_TIMESTAMP = re.compile(r"[0-9]{1,10}")
_DIGEST = re.compile(r"[0-9a-fA-F]{64}")  # SHA-256: 32 bytes
MAX_HEADER_CHARS = 1024  # a few v1 values while secrets rotate


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
    expected = bytes.fromhex(compute(secret, timestamp, body))
    # Check every candidate so the time taken does not depend on which one matched.
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise SignatureError("Signature does not match the body.")
    return timestamp


def _parse(header: str) -> tuple[int, list[bytes]]:
    """`(t, [v1 digests as bytes])`; SignatureError naming what is malformed."""
    if len(header) > MAX_HEADER_CHARS:
        raise SignatureError(f"Malformed {HEADER} header: too long.")
    timestamp = None
    candidates = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        value = value.strip()
        if not sep:
            raise SignatureError(f"Malformed {HEADER} header.")
        if key == "t":
            # re.ASCII is implied by the class: `٣` and `1_0` are not digits here.
            if timestamp is not None or not _TIMESTAMP.fullmatch(value):
                raise SignatureError(f"Malformed {HEADER} header: bad t.")
            timestamp = int(value)
        elif key == SCHEME:
            if not _DIGEST.fullmatch(value):
                raise SignatureError(f"Malformed {HEADER} header: {SCHEME} must be 64 hex digits.")
            candidates.append(bytes.fromhex(value))
    if timestamp is None or not candidates:
        raise SignatureError(f"Malformed {HEADER} header: needs t and {SCHEME}.")
    return timestamp, candidates

"""One HTTP call and its outcome: a status, or the kind of failure (refused, reset, timeout)."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

# The kinds of no-answer, as the chaos judge and the load tables count them.
REFUSED, RESET, TIMEOUT = "refused", "reset", "timeout"


@dataclass(frozen=True)
class Reply:
    """What one call came to: `outcome` is the status, or a kind of failure (a string)."""

    outcome: int | str
    seconds: float
    headers: Message | None = None
    body: bytes = b""

    @property
    def answered(self) -> bool:
        """An HTTP status came back (any status)."""
        return isinstance(self.outcome, int)

    def json(self):
        """The body as JSON, or None when it is empty."""
        return json.loads(self.body) if self.body else None


def classify(exc: Exception) -> str:
    """The kind of failure an exception from http.client means."""
    if isinstance(exc, ConnectionRefusedError):
        return REFUSED
    # IncompleteRead: the server died mid-body (a SIGKILLed worker); RemoteDisconnected: it
    # closed the connection without an answer.
    if isinstance(
        exc,
        ConnectionResetError
        | BrokenPipeError
        | http.client.RemoteDisconnected
        | http.client.IncompleteRead,
    ):
        return RESET
    if isinstance(exc, TimeoutError):
        return TIMEOUT
    return f"error:{type(exc).__name__}"


def call(
    url: str,
    method: str = "GET",
    headers: dict | None = None,
    body: bytes | None = None,
    timeout: float = 30,
) -> Reply:
    """One request on a fresh connection; never raises for a failure the network can cause."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    started = time.perf_counter()
    conn = http.client.HTTPConnection(
        parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout
    )
    try:
        conn.request(method, target or "/", body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return Reply(resp.status, time.perf_counter() - started, resp.headers, data)
    except (OSError, http.client.HTTPException) as exc:
        return Reply(classify(exc), time.perf_counter() - started)
    finally:
        conn.close()


def request(
    url: str, headers: dict | None = None, method: str = "GET", data: bytes | None = None
) -> tuple[int, Message, object]:
    """(status, headers, JSON body or None) of one request; ConnectionError when none came."""
    reply = call(url, method, headers, data)
    if not isinstance(reply.outcome, int) or reply.headers is None:
        raise ConnectionError(f"{method} {url}: {reply.outcome}")
    return reply.outcome, reply.headers, reply.json()

"""Request bodies: each route's size cap, enforced before anything is buffered.

A resource declares `max_body_bytes` (routes that take no body keep the small default). A
`Content-Length` over the cap is `413` without reading a byte; a chunked body is read up to the
cap and no further. What passes is read here, once, into memory of at most the cap, so a client
that stalls mid-body is a `408` here (the worker's socket timeout), not a 500 in a responder.
"""

from __future__ import annotations

import io
import logging

import falcon

log = logging.getLogger(__name__)

# Routes without a body of their own: room for an SDK's empty form, nothing more.
DEFAULT_MAX_BODY_BYTES = 16 * 1024
_READ_CHUNK = 64 * 1024


def body_cap(resource) -> int:
    """The largest body, in bytes, the resource accepts."""
    return getattr(resource, "max_body_bytes", DEFAULT_MAX_BODY_BYTES)


def too_large(cap: int) -> falcon.HTTPContentTooLarge:
    return falcon.HTTPContentTooLarge(
        description=f"The request body is larger than this route accepts ({cap} bytes)."
    )


def read_bounded(stream, cap: int, length: int | None) -> bytes:
    """At most `cap` bytes of the body (`length` of them, or to the end when chunked); 413 when
    there is more, 408 when the client stops sending."""
    want = cap + 1 if length is None else length
    parts: list[bytes] = []
    got = 0
    try:
        while got < want:
            part = stream.read(min(_READ_CHUNK, want - got))
            if not part:
                break
            parts.append(part)
            got += len(part)
    except OSError as exc:  # the worker's body timeout (TimeoutError), or the client left
        log.info("request body not received: %s", exc)
        raise falcon.HTTPError(
            falcon.HTTP_408, description="The request body did not arrive in time."
        ) from None
    if got > cap:
        raise too_large(cap)
    return b"".join(parts)


class BodyLimitMiddleware:
    """Applies the routed resource's cap; the responder then reads the body from memory."""

    def process_resource(self, req: falcon.Request, resp, resource, params) -> None:
        cap = body_cap(resource)
        length = req.content_length
        chunked = req.get_header("Transfer-Encoding") is not None
        if length is not None and length > cap:
            raise too_large(cap)
        if not length and not chunked:
            return
        body = read_bounded(req.stream, cap, None if chunked else length)
        # Falcon wraps wsgi.input lazily (bounded_stream, get_media): hand it the bytes read.
        req.env["wsgi.input"] = req.stream = io.BytesIO(body)
        req.env["CONTENT_LENGTH"] = str(len(body))

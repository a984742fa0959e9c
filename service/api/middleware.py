"""Per-request middleware: request id, access log and metrics; Host allow-list; readiness gate."""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid

import falcon

from service.domain.errors import NotReady
from service.observability import metrics
from service.observability.logs import REQUEST_ID

access_log = logging.getLogger("service.access")
security_log = logging.getLogger("service.security")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# Probes and scrapers address a replica by IP or service name, not by the public host; these
# paths build no links, so they answer whatever the Host (README "Operating it").
HOST_EXEMPT = frozenset({"/health/live", "/health/ready", "/metrics"})


class RequestContextMiddleware:
    """X-Request-ID (accepted or generated, echoed), one JSON access line, request metrics."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        given = req.get_header("X-Request-ID")
        request_id = given if given and _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        req.context.request_id = request_id
        req.context.started = time.perf_counter()
        req.context.request_id_token = REQUEST_ID.set(request_id)
        resp.set_header("X-Request-ID", request_id)

    def process_response(self, req, resp, resource, req_succeeded: bool) -> None:
        elapsed = time.perf_counter() - req.context.started
        route = req.uri_template or "unmatched"
        method = req.method if req.method in _METHODS else "OTHER"
        status = str(resp.status_code)
        resp.set_header("X-Request-ID", req.context.request_id)
        metrics.labelled(metrics.HTTP_REQUESTS, route, method, status).inc()
        metrics.labelled(metrics.HTTP_LATENCY, route, method).observe(elapsed)
        access_log.info(
            "request",
            extra={
                "fields": {
                    "method": req.method,
                    "path": req.path,
                    "route": route,
                    "status": resp.status_code,
                    "duration_ms": round(elapsed * 1000, 2),
                    "remote": req.remote_addr,
                }
            },
        )
        REQUEST_ID.reset(req.context.request_id_token)


def host_is_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """Django's ALLOWED_HOSTS matching: `*`, exact names, `.example.com` for it and subdomains."""
    host = host.lower().rstrip(".")
    if not host:
        return False
    for pattern in allowed:
        pattern = pattern.lower()
        if pattern == "*" or host == pattern:
            return True
        if pattern.startswith(".") and (host.endswith(pattern) or host == pattern[1:]):
            return True
    return False


def split_host(value: str) -> str:
    """The host of a Host header value, without its port (`[::1]:80` -> `[::1]`)."""
    value = value.strip()
    if value.startswith("["):
        return value[: value.find("]") + 1] if "]" in value else ""
    host, _, port = value.partition(":")
    return host if not port or port.isdigit() else ""


# The schemes `next`/`previous` may carry; a proxy header naming another is refused.
FORWARDED_SCHEMES = frozenset({"http", "https"})


class AllowedHostsMiddleware:
    """`next`/`previous` are built from the Host (and, when trusted, the forwarded scheme and
    host); any other host, or a forwarded scheme other than http/https, is refused with 400."""

    def __init__(self, allowed: tuple[str, ...], trust_forwarded: bool):
        self.allowed = allowed
        self.trust_forwarded = trust_forwarded

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        if req.path in HOST_EXEMPT:
            return
        raw = (req.forwarded_host if self.trust_forwarded else None) or req.get_header("Host")
        host = split_host(raw or "")
        if not host_is_allowed(host, self.allowed):
            security_log.warning(
                "Invalid Host header %r; add it to ALLOWED_HOSTS if it is legitimate", raw
            )
            raise falcon.HTTPBadRequest(description="Invalid Host header.")
        if self.trust_forwarded and req.forwarded_scheme.lower() not in FORWARDED_SCHEMES:
            security_log.warning("Invalid forwarded scheme %r", req.forwarded_scheme)
            raise falcon.HTTPBadRequest(
                description="Invalid Forwarded proto (or X-Forwarded-Proto): http or https."
            )


class SecurityHeadersMiddleware:
    """`nosniff` on every answer; `Cache-Control: no-store` on every answer to a request that
    carried credentials, so no shared cache keeps a user's view (or their 401)."""

    def process_response(self, req, resp, resource, req_succeeded: bool) -> None:
        resp.set_header("X-Content-Type-Options", "nosniff")
        if req.get_header("Authorization") is not None:
            resp.set_header("Cache-Control", "no-store")


class ReadinessGate:
    """Resources that query Neo4j answer 503 at once while an index they need is not ONLINE."""

    def __init__(self, readiness, gated: tuple):
        self.readiness = readiness
        self.gated = gated

    def process_resource(self, req, resp, resource, params) -> None:
        if isinstance(resource, self.gated):
            try:
                self.readiness.require()
            except NotReady:
                metrics.NOT_READY_REJECTIONS.inc()
                raise


def _entity_tags(header: str) -> set[str]:
    """The opaque tags of an If-None-Match value (weak or strong alike: a GET compares weakly)."""
    tags = set()
    for part in header.split(","):
        part = part.strip()
        tags.add(part[2:] if part.startswith("W/") else part)
    return tags


class ETagMiddleware:
    """`ETag` on every successful API GET (a hash of the body), `304` for a matching
    `If-None-Match`, and `Vary: Authorization` where the resource says the body depends on the
    viewer (`varies_by_viewer`). The body is the one the responder built (from the cache when it
    is warm), so a 304 costs what a 200 does minus sending it; the tag changes exactly when the
    body does."""

    def process_response(self, req, resp, resource, req_succeeded: bool) -> None:
        if req.method not in ("GET", "HEAD") or not req.path.startswith("/api/"):
            return
        if getattr(resource, "varies_by_viewer", False):
            resp.vary = ("Authorization",)
        if not req_succeeded or resp.status_code != 200:
            return
        body = resp.render_body()
        if body is None:
            return
        # SHA-256 runs on the CPU's SHA extensions: half blake2b's time on a 16 KB page.
        tag = f'"{hashlib.sha256(body).hexdigest()[:24]}"'
        resp.etag = tag
        given = req.get_header("If-None-Match")
        if given and (given.strip() == "*" or tag in _entity_tags(given)):
            resp.status = falcon.HTTP_304
            resp.media = None
            resp.text = None
            resp.data = None
            resp.content_type = None  # a 304 has no content
        else:
            resp.data = body  # rendered once

"""Domain errors and the one place that maps every error to a JSON response."""

from __future__ import annotations

import logging

import falcon

log = logging.getLogger(__name__)


class UserNotFound(Exception):
    """No :User with that id."""


def _json_error(req: falcon.Request, resp: falcon.Response, status: str, detail: str,
                headers: dict | None = None) -> None:
    resp.status = status
    resp.media = {"detail": detail}
    for name, value in (headers or {}).items():
        resp.set_header(name, value)


def handle_http_error(req, resp, ex: falcon.HTTPError, params) -> None:
    """Falcon's own errors (404 route, 405 method, ...) as `{"detail": ...}` JSON, never HTML."""
    detail = ex.description or ex.title or str(ex.status)
    _json_error(req, resp, ex.status, detail, dict(ex.headers or {}))


def handle_unexpected(req, resp, ex: Exception, params) -> None:
    """Last resort: log the traceback, answer a plain 500 without leaking it."""
    if isinstance(ex, falcon.HTTPError):
        return handle_http_error(req, resp, ex, params)
    log.exception("unhandled error on %s %s", req.method, req.path)
    _json_error(req, resp, falcon.HTTP_500, "Internal server error.")


def handle_unavailable(req, resp, ex: Exception, params) -> None:
    log.warning("Neo4j unavailable on %s %s: %s", req.method, req.path, ex)
    _json_error(req, resp, falcon.HTTP_503, "The graph database is unavailable; retry shortly.",
                {"Retry-After": "5"})


def register_error_handlers(app: falcon.App) -> None:
    from neo4j.exceptions import ServiceUnavailable, SessionExpired

    app.add_error_handler(Exception, handle_unexpected)
    app.add_error_handler(falcon.HTTPError, handle_http_error)
    app.add_error_handler((ServiceUnavailable, SessionExpired), handle_unavailable)

"""The one place that maps every error to a JSON response (`{"detail": ...}`), never HTML."""

from __future__ import annotations

import logging

import falcon
from marshmallow import ValidationError

from service.domain.errors import (
    ActionNotAllowed,
    FollowModeEnabled,
    InvalidBody,
    InvalidEvent,
    NotAuthenticated,
    NotReady,
)
from service.graph.errors import GraphUnavailable, UserNotFound
from service.webhooks.signature import SignatureError

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "5"
# DRF answers 401 with the scheme the client should use; SelfCommunity uses Bearer JWTs.
WWW_AUTHENTICATE = 'Bearer realm="api"'


def _json_error(
    resp: falcon.Response, status: str | int, detail: str, headers: dict | None = None, **extra
) -> None:
    resp.status = status
    resp.media = {"detail": detail, **extra}
    for name, value in (headers or {}).items():
        resp.set_header(name, value)


def handle_http_error(req, resp, ex: falcon.HTTPError, params) -> None:
    """Falcon's own errors (404 route, 405 method, ...) as `{"detail": ...}` JSON."""
    if isinstance(ex, falcon.HTTPMethodNotAllowed):
        detail = f'Method "{req.method}" not allowed.'  # DRF's wording
    elif isinstance(ex, falcon.HTTPNotFound):
        detail = "Not found."
    else:
        detail = ex.description or ex.title or str(ex.status)
    _json_error(resp, ex.status, detail, dict(ex.headers or {}))


def handle_unexpected(req, resp, ex: Exception, params) -> None:
    """Last resort: log the traceback, answer a plain 500 without leaking it."""
    if isinstance(ex, falcon.HTTPError):
        return handle_http_error(req, resp, ex, params)
    log.exception("unhandled error on %s %s", req.method, req.path)
    _json_error(resp, falcon.HTTP_500, "Internal server error.")


def handle_unavailable(req, resp, ex: Exception, params) -> None:
    """Neo4j unreachable or too slow: 503 with `Retry-After`, and one log line."""
    log.warning("Neo4j unavailable on %s %s: %s", req.method, req.path, ex)
    _json_error(
        resp,
        falcon.HTTP_503,
        "The graph database is unavailable; retry shortly.",
        {"Retry-After": RETRY_AFTER_SECONDS},
    )


def handle_not_ready(req, resp, ex: NotReady, params) -> None:
    """An index the API needs is not ONLINE: 503 at once, naming it and its population %."""
    _json_error(
        resp,
        falcon.HTTP_503,
        ex.report["detail"],
        {"Retry-After": RETRY_AFTER_SECONDS},
        indexes=ex.report["indexes"],
    )


def handle_validation(req, resp, ex: ValidationError, params) -> None:
    """Invalid query parameters: 400 naming each parameter and what it allows."""
    messages = ex.messages if isinstance(ex.messages, dict) else {"_": ex.messages}
    detail = " ".join(
        f"{name}: {' '.join(map(str, msgs))}" for name, msgs in sorted(messages.items())
    )
    _json_error(resp, falcon.HTTP_400, f"Invalid query parameters. {detail}", errors=messages)


def handle_invalid_body(req, resp, ex: InvalidBody, params) -> None:
    """An invalid request body: 400 naming each field and what it allows."""
    detail = " ".join(
        f"{name}: {' '.join(map(str, msgs if isinstance(msgs, list) else [msgs]))}"
        for name, msgs in sorted(ex.messages.items())
    )
    _json_error(resp, falcon.HTTP_400, f"Invalid request body. {detail}", errors=ex.messages)


def handle_not_allowed(req, resp, ex: ActionNotAllowed, params) -> None:
    """A connection action the pair's state does not allow: 400 saying why."""
    _json_error(resp, falcon.HTTP_400, str(ex))


def handle_not_found(req, resp, ex: UserNotFound, params) -> None:
    _json_error(resp, falcon.HTTP_404, "Not found.")


def handle_not_authenticated(req, resp, ex: NotAuthenticated, params) -> None:
    _json_error(resp, falcon.HTTP_401, str(ex), {"WWW-Authenticate": WWW_AUTHENTICATE})


def handle_forbidden(req, resp, ex: FollowModeEnabled, params) -> None:
    _json_error(resp, falcon.HTTP_403, str(ex))


def handle_bad_signature(req, resp, ex: SignatureError, params) -> None:
    log.warning("webhook refused on %s: %s", req.path, ex)
    _json_error(resp, falcon.HTTP_401, str(ex))


def handle_invalid_event(req, resp, ex: InvalidEvent, params) -> None:
    _json_error(resp, falcon.HTTP_400, str(ex))


def register_error_handlers(app: falcon.App) -> None:
    """Map every error once; Falcon picks the most specific handler for each exception."""
    app.add_error_handler(Exception, handle_unexpected)
    app.add_error_handler(falcon.HTTPError, handle_http_error)
    app.add_error_handler(GraphUnavailable, handle_unavailable)
    app.add_error_handler(NotReady, handle_not_ready)
    app.add_error_handler(ValidationError, handle_validation)
    app.add_error_handler(UserNotFound, handle_not_found)
    app.add_error_handler(InvalidBody, handle_invalid_body)
    app.add_error_handler(ActionNotAllowed, handle_not_allowed)
    app.add_error_handler(NotAuthenticated, handle_not_authenticated)
    app.add_error_handler(FollowModeEnabled, handle_forbidden)
    app.add_error_handler(SignatureError, handle_bad_signature)
    app.add_error_handler(InvalidEvent, handle_invalid_event)

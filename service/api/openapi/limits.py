"""The webhook route and the answers the server gives before any operation runs."""

from __future__ import annotations

from apispec import APISpec

from service.api.openapi.parts import error_response, json_response

WEBHOOK_PATH = "/webhooks/selfcommunity/"
# Not rate limited (service/api/limits.py): probes, and the signed sender that retries.
UNLIMITED_PATHS = frozenset({"/health/live", "/health/ready", WEBHOOK_PATH})


def webhook_path(spec: APISpec, unavailable: dict) -> None:
    """SelfCommunity's signed events in (docs/webhooks.md)."""
    event = {
        "type": "object",
        "required": ["event_id", "type", "created", "data"],
        "properties": {
            "event_id": {"type": "integer", "minimum": 0},
            "type": {"type": "string", "minLength": 1, "example": "user.updated"},
            "created": {"type": "number", "description": "Unix seconds."},
            "data": {"type": "object"},
        },
    }
    outcome = {
        "type": "object",
        "required": ["status"],
        "properties": {
            "status": {
                "type": "string",
                "enum": ["applied", "unchanged", "stale", "ignored", "duplicate"],
            }
        },
    }
    spec.path(
        path=WEBHOOK_PATH,
        operations={
            "post": {
                "operationId": "receiveSelfCommunityEvent",
                "summary": "Receive a SelfCommunity webhook event",
                "description": (
                    "A signed event applied once (by event_id); a late one never undoes a newer "
                    "change. The route exists only when SELFCOMMUNITY_WEBHOOK_SECRET is set."
                ),
                "parameters": [
                    {
                        "name": "SelfCommunity-Signature",
                        "in": "header",
                        "required": True,
                        "description": "t=<Unix seconds>,v1=<64 hex digits: HMAC-SHA256 of t.body>",
                        "schema": {"type": "string"},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": event}},
                },
                "responses": {
                    "200": json_response("What the event did.", outcome),
                    "400": error_response(
                        "The body is not an event this service can apply; says why."
                    ),
                    "401": error_response("The signature is missing, malformed, wrong or too old."),
                    "404": error_response("The endpoint is off (no SELFCOMMUNITY_WEBHOOK_SECRET)."),
                    "503": unavailable,
                },
            }
        },
    )


def add_limit_responses(document: dict) -> None:
    """The answers any operation can get before it runs (docs/limits-and-abuse.md): gunicorn's
    own 400/414/431, a body over the route's cap (413) or too slow (408), a spent budget (429)."""
    rate_headers = {
        "Retry-After": {
            "description": "Seconds until the budget refills.",
            "schema": {"type": "string"},
        },
        "RateLimit-Policy": {
            "description": 'The budget: `"reads";q=600;w=60` (IETF RateLimit fields).',
            "schema": {"type": "string"},
        },
        "RateLimit": {
            "description": 'What is left of it: `"reads";r=0;t=42`.',
            "schema": {"type": "string"},
        },
    }
    server = {
        "400": error_response("Malformed request line or header (answered by the server itself)."),
        "408": error_response("The request body did not arrive in time."),
        "413": error_response("The request body is larger than the route accepts."),
        "414": error_response("The request line is longer than 4,094 bytes."),
        "431": error_response("A header is over 8,190 bytes, or there are more than 100."),
    }
    for path, operations in document["paths"].items():
        for operation in operations.values():
            responses = operation["responses"]
            for status, response in server.items():
                responses.setdefault(status, response)
            if path not in UNLIMITED_PATHS:
                responses.setdefault(
                    "429", error_response("A rate-limit budget is spent.", rate_headers)
                )

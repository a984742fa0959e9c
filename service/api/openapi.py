"""The OpenAPI 3 document, generated from the Marshmallow schemas with apispec."""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from service.api.schemas import (
    MAX_STATUS_IDS,
    ConnectionRequestsPageSchema,
    ConnectionsPageSchema,
    ConnectionsQuerySchema,
    ConnectionStatusesBodySchema,
    ConnectionStatusesSchema,
    ConnectionStatusSchema,
    ErrorSchema,
    IsConnectionSchema,
    UserCountersSchema,
)
from service.domain.schemas import ConnectionRequestSchema, UserSchema

CONNECTIONS_PATH = "/api/v2/user/{id}/connections/"
SUGGESTIONS_PATH = "/api/v2/suggestion/user/"
USER_PATH = "/api/v2/user/{id}/"
COUNTERS_PATH = "/api/v2/user/{id}/counters/"
ACTIONS = {
    "request": ("requestConnection", "Request Connection", "Request a connection to the user."),
    "accept": (
        "acceptConnection",
        "Accept a User Connection",
        "Accept the user's connection request (pending or rejected): connects both users.",
    ),
    "reject": (
        "rejectConnectionRequest",
        "Reject a Connection Request",
        "Reject the user's pending request; it is kept, and its sender is never told.",
    ),
    "cancel_reject": (
        "cancelRejectConnectionRequest",
        "Cancel a Rejected Connection",
        "Restore a request of the user that I rejected.",
    ),
    "cancel_request": (
        "cancelRequestConnection",
        "Cancel a Request Connection",
        "Withdraw my request to the user (pending or rejected).",
    ),
    "remove": ("removeConnection", "Remove a Connection", "Remove my connection with the user."),
}


def _error(description: str, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": "Error"}}}
    if headers:
        response["headers"] = headers
    return response


def build_openapi(version: str = "2") -> dict:
    """The API described as an OpenAPI 3.0 document (a plain dict, ready to serve as JSON)."""
    spec = APISpec(
        title="Connections service",
        version=version,
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={
            "description": "SelfCommunity's GET /api/v2/user/{id}/connections/, served from Neo4j."
        },
    )
    spec.components.schema("User", schema=UserSchema)
    spec.components.schema("ConnectionsPage", schema=ConnectionsPageSchema)
    spec.components.schema("Error", schema=ErrorSchema)
    spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "HS256 access token with user_id, token_type, jti, iat and exp claims.",
        },
    )
    retry_after = {
        "Retry-After": {
            "description": "Seconds to wait before retrying.",
            "schema": {"type": "string"},
        }
    }
    www_authenticate = {
        "WWW-Authenticate": {
            "description": "The scheme to use: Bearer.",
            "schema": {"type": "string"},
        }
    }
    unavailable = _error("Neo4j is unreachable or the query timed out.", retry_after)
    spec.path(
        path=CONNECTIONS_PATH,
        operations={
            "get": {
                "operationId": "getUserConnections",
                "summary": "Get User's Connections",
                "description": (
                    "The connections of the user identified by id, newest connection first. "
                    "Requires the community to be in friendship mode (follow_enabled false); "
                    "requires authentication only if content_availability is false."
                ),
                # Authentication is optional unless content_availability is false.
                "security": [{}, {"bearerAuth": []}],
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "description": "A unique integer value identifying this user.",
                        "schema": {"type": "string"},
                        "example": "1",
                    },
                    {"in": "query", "schema": ConnectionsQuerySchema},
                ],
                "responses": {
                    "200": {
                        "description": "One page of connections.",
                        "content": {"application/json": {"schema": "ConnectionsPage"}},
                    },
                    "400": _error("A query parameter is invalid; `errors` names it."),
                    "401": _error("Invalid token, or authentication required.", www_authenticate),
                    "403": _error("The community is in follow mode."),
                    "404": _error("No such user (or the id is not an integer)."),
                    "503": unavailable,
                },
            }
        },
    )
    spec.path(
        path=SUGGESTIONS_PATH,
        operations={
            "get": {
                "operationId": "getUserSuggestion",
                "summary": "Get User Suggestion",
                "description": (
                    "Users suggested to the requesting user: friends of friends who are active and "
                    "neither connected to nor in a pending request with them, ranked by mutual "
                    "connections (most first), then id, within a bounded neighbourhood; users "
                    "above a degree threshold get a periodically recomputed exact list, so "
                    "`count` is at most its length (1,000 by default). Requires friendship mode."
                ),
                "security": [{"bearerAuth": []}],
                "parameters": [{"in": "query", "schema": ConnectionsQuerySchema}],
                "responses": {
                    "200": {
                        "description": "One page of suggested users.",
                        "content": {"application/json": {"schema": "ConnectionsPage"}},
                    },
                    "400": _error("A query parameter is invalid; `errors` names it."),
                    "401": _error("Missing or invalid token.", www_authenticate),
                    "403": _error("The community is in follow mode."),
                    "503": unavailable,
                },
            }
        },
    )
    status_schema = {
        "type": "object",
        "required": ["status"],
        "properties": {"status": {"type": "string", "enum": ["ok"]}},
    }
    spec.path(
        path="/health/live",
        operations={
            "get": {
                "operationId": "live",
                "summary": "The process is up.",
                "responses": {
                    "200": {
                        "description": "Up.",
                        "content": {"application/json": {"schema": status_schema}},
                    }
                },
            }
        },
    )
    spec.path(
        path="/health/ready",
        operations={
            "get": {
                "operationId": "ready",
                "summary": "Neo4j answers a read.",
                "responses": {
                    "200": {
                        "description": "Ready.",
                        "content": {"application/json": {"schema": status_schema}},
                    },
                    "503": unavailable,
                },
            }
        },
    )
    _lifecycle_paths(spec, unavailable, www_authenticate)
    return spec.to_dict()


def _id_parameter() -> dict:
    return {
        "name": "id",
        "in": "path",
        "required": True,
        "description": "A unique integer value identifying this user.",
        "schema": {"type": "string"},
        "example": "2",
    }


def _json(description: str, schema) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _lifecycle_paths(spec: APISpec, unavailable: dict, www_authenticate: dict) -> None:
    """The connection lifecycle API (issue 10): writes, status reads, request lists, one user."""
    spec.components.schema("ConnectionRequest", schema=ConnectionRequestSchema)
    spec.components.schema("ConnectionRequestsPage", schema=ConnectionRequestsPageSchema)
    spec.components.schema("ConnectionStatus", schema=ConnectionStatusSchema)
    spec.components.schema("IsConnection", schema=IsConnectionSchema)
    spec.components.schema("ConnectionStatuses", schema=ConnectionStatusesSchema)
    unauthorized = _error("Missing or invalid token.", www_authenticate)
    forbidden = _error("The community is in follow mode.")
    not_found = _error("No such active user (or the id is not an integer).")
    refused = _error("Not possible from the pair's current state, or on yourself; says why.")
    write_note = (
        " Retry-safe: when the resulting state already holds, nothing changes and the current "
        "status is returned. Requires authentication and friendship mode."
    )
    for action, (operation_id, summary, description) in ACTIONS.items():
        spec.path(
            path=f"/api/v2/user/{{id}}/connection/{action}/",
            operations={
                "post": {
                    "operationId": operation_id,
                    "summary": summary,
                    "description": description + write_note,
                    "security": [{"bearerAuth": []}],
                    "parameters": [_id_parameter()],
                    "responses": {
                        "200": _json(
                            "The user's status relative to me after the change.", "ConnectionStatus"
                        ),
                        "400": refused,
                        "401": unauthorized,
                        "403": forbidden,
                        "404": not_found,
                        "503": unavailable,
                    },
                }
            },
        )
    spec.path(
        path="/api/v2/user/{id}/connection_requests/mark_seen/",
        operations={
            "post": {
                "operationId": "markSeenConnectionRequest",
                "summary": "Mark Seen a Connection Request",
                "description": "Mark the user's request to me (pending or rejected) as seen.",
                "security": [{"bearerAuth": []}],
                "parameters": [_id_parameter()],
                "responses": {
                    "204": {"description": "Seen (the first time it was seen is kept)."},
                    "400": refused,
                    "401": unauthorized,
                    "403": forbidden,
                    "404": not_found,
                    "503": unavailable,
                },
            }
        },
    )
    for tail, operation_id, summary, schema in (
        (
            "connection_status/",
            "getUserConnectionStatus",
            "Get User Connection Status",
            "ConnectionStatus",
        ),
        ("is_connection/", "checkUserConnection", "Check User Connection", "IsConnection"),
    ):
        spec.path(
            path=f"/api/v2/user/{{id}}/{tail}",
            operations={
                "get": {
                    "operationId": operation_id,
                    "summary": summary,
                    "description": "Relative to the token's user (null / false for yourself).",
                    "security": [{"bearerAuth": []}],
                    "parameters": [_id_parameter()],
                    "responses": {
                        "200": _json(summary, schema),
                        "401": unauthorized,
                        "404": not_found,
                        "503": unavailable,
                    },
                }
            },
        )
    spec.path(
        path="/api/v2/user/connection/statuses/",
        operations={
            "post": {
                "operationId": "listUserConnectionStatuses",
                "summary": "List User's Connections Statuses",
                "description": (
                    f"My status with each of up to {MAX_STATUS_IDS} users; unknown or inactive "
                    "ids (and my own) map to null."
                ),
                "security": [{"bearerAuth": []}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ConnectionStatusesBodySchema}},
                },
                "responses": {
                    "200": _json("A status per id asked.", "ConnectionStatuses"),
                    "400": _error('The body is not {"users": [ids]}; `errors` names `users`.'),
                    "401": unauthorized,
                    "415": _error("The body is not JSON (or form-encoded)."),
                    "503": unavailable,
                },
            }
        },
    )
    for tail, operation_id, summary, description in (
        (
            "requests/",
            "getUserConnectionRequests",
            "Get User's Connection Requests",
            "Pending requests I received, newest first (ties by sender id).",
        ),
        (
            "requests_sent/",
            "getUserConnectionRequestsSent",
            "Get User's Connection Requests sent",
            "Requests I sent (a rejected one included, `rejected` null), newest first.",
        ),
    ):
        spec.path(
            path=f"/api/v2/user/connection/{tail}",
            operations={
                "get": {
                    "operationId": operation_id,
                    "summary": summary,
                    "description": description + " Requires friendship mode.",
                    "security": [{"bearerAuth": []}],
                    "parameters": [{"in": "query", "schema": ConnectionsQuerySchema}],
                    "responses": {
                        "200": _json("One page of Connection Requests.", "ConnectionRequestsPage"),
                        "400": _error("A query parameter is invalid; `errors` names it."),
                        "401": unauthorized,
                        "403": forbidden,
                        "503": unavailable,
                    },
                }
            },
        )
    spec.path(
        path=USER_PATH,
        operations={
            "get": {
                "operationId": "getSpecificUser",
                "summary": "Get a Specific User",
                "description": (
                    "One active user. Anonymous access is allowed unless content_availability "
                    "is false."
                ),
                "security": [{}, {"bearerAuth": []}],
                "parameters": [_id_parameter()],
                "responses": {
                    "200": _json("The user.", "User"),
                    "401": _error("Invalid token, or authentication required.", www_authenticate),
                    "404": not_found,
                    "503": unavailable,
                },
            }
        },
    )
    spec.components.schema("UserCounters", schema=UserCountersSchema)
    spec.path(
        path=COUNTERS_PATH,
        operations={
            "get": {
                "operationId": "getSpecificUserCounters",
                "summary": "Get Counters of a Specific User",
                "description": (
                    "The counters of one active user. The connection counters appear while the "
                    "community is in friendship mode (follow_enabled false). Anonymous access is "
                    "allowed unless content_availability is false."
                ),
                "security": [{}, {"bearerAuth": []}],
                "parameters": [_id_parameter()],
                "responses": {
                    "200": _json("The user's counters.", "UserCounters"),
                    "401": _error("Invalid token, or authentication required.", www_authenticate),
                    "404": not_found,
                    "503": unavailable,
                },
            }
        },
    )

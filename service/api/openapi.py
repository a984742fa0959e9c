"""The OpenAPI 3 document, generated from the Marshmallow schemas with apispec."""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from service.api.schemas import ConnectionsPageSchema, ConnectionsQuerySchema, ErrorSchema
from service.domain.schemas import UserSchema

CONNECTIONS_PATH = "/api/v2/user/{id}/connections/"
SUGGESTIONS_PATH = "/api/v2/suggestion/user/"


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
                    "connections (most first), then id. Requires friendship mode."
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
    return spec.to_dict()

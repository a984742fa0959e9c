"""The OpenAPI 3 document, generated from the Marshmallow schemas with apispec."""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from service.api.openapi.counters import counters_path
from service.api.openapi.explore import explore_paths
from service.api.openapi.lifecycle import lifecycle_paths
from service.api.openapi.limits import add_limit_responses, webhook_path
from service.api.openapi.parts import (
    CONNECTIONS_PATH,
    SUGGESTIONS_PATH,
    error_response,
)
from service.api.schemas import ConnectionsPageSchema, ConnectionsQuerySchema, ErrorSchema
from service.domain.schemas import UserSchema


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
    unavailable = error_response("Neo4j is unreachable or the query timed out.", retry_after)
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
                    "400": error_response("A query parameter is invalid; `errors` names it."),
                    "401": error_response(
                        "Invalid token, or authentication required.", www_authenticate
                    ),
                    "403": error_response("The community is in follow mode."),
                    "404": error_response("No such user (or the id is not an integer)."),
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
                    "400": error_response("A query parameter is invalid; `errors` names it."),
                    "401": error_response("Missing or invalid token.", www_authenticate),
                    "403": error_response("The community is in follow mode."),
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
    lifecycle_paths(spec, unavailable, www_authenticate)
    counters_path(spec, unavailable, www_authenticate)
    explore_paths(spec, unavailable, www_authenticate)
    webhook_path(spec, unavailable)
    document = spec.to_dict()
    add_limit_responses(document)
    return document

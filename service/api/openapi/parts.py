"""Small pieces the OpenAPI document repeats: error and JSON responses, the `{id}` parameter."""

from __future__ import annotations

CONNECTIONS_PATH = "/api/v2/user/{id}/connections/"
SUGGESTIONS_PATH = "/api/v2/suggestion/user/"
USER_PATH = "/api/v2/user/{id}/"


def error_response(description: str, headers: dict | None = None) -> dict:
    """A JSON error response (`{"detail": ...}`), with its headers if any."""
    response = {"description": description, "content": {"application/json": {"schema": "Error"}}}
    if headers:
        response["headers"] = headers
    return response


def id_parameter() -> dict:
    """The `{id}` path parameter, as SelfCommunity's documentation describes it."""
    return {
        "name": "id",
        "in": "path",
        "required": True,
        "description": "A unique integer value identifying this user.",
        "schema": {"type": "string"},
        "example": "2",
    }


def json_response(description: str, schema) -> dict:
    """A JSON response of `schema` (a name under components, or a Schema)."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}

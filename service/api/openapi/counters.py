"""SelfCommunity's `GET /api/v2/user/{id}/counters/` in the OpenAPI document (docs/cache.md)."""

from __future__ import annotations

from apispec import APISpec

from service.api.openapi.parts import error_response, id_parameter, json_response
from service.api.schemas import UserCountersSchema

COUNTERS_PATH = "/api/v2/user/{id}/counters/"


def counters_path(spec: APISpec, unavailable: dict, www_authenticate: dict) -> None:
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
                "parameters": [id_parameter()],
                "responses": {
                    "200": json_response("The user's counters.", "UserCounters"),
                    "401": error_response(
                        "Invalid token, or authentication required.", www_authenticate
                    ),
                    "404": error_response("No such active user (or the id is not an integer)."),
                    "503": unavailable,
                },
            }
        },
    )

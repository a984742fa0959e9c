"""The connection lifecycle's paths in the OpenAPI document: writes, statuses, request lists."""

from __future__ import annotations

from apispec import APISpec

from service.api.openapi.parts import USER_PATH, error_response, id_parameter, json_response
from service.api.schemas import (
    MAX_STATUS_IDS,
    ConnectionRequestsPageSchema,
    ConnectionsQuerySchema,
    ConnectionStatusesBodySchema,
    ConnectionStatusesSchema,
    ConnectionStatusSchema,
    IsConnectionSchema,
)
from service.domain.schemas import ConnectionRequestSchema

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


def lifecycle_paths(spec: APISpec, unavailable: dict, www_authenticate: dict) -> None:
    """The connection lifecycle API (issue 10): writes, status reads, request lists, one user."""
    spec.components.schema("ConnectionRequest", schema=ConnectionRequestSchema)
    spec.components.schema("ConnectionRequestsPage", schema=ConnectionRequestsPageSchema)
    spec.components.schema("ConnectionStatus", schema=ConnectionStatusSchema)
    spec.components.schema("IsConnection", schema=IsConnectionSchema)
    spec.components.schema("ConnectionStatuses", schema=ConnectionStatusesSchema)
    unauthorized = error_response("Missing or invalid token.", www_authenticate)
    forbidden = error_response("The community is in follow mode.")
    not_found = error_response("No such active user (or the id is not an integer).")
    refused = error_response(
        "Not possible from the pair's current state, or on yourself; says why."
    )
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
                    "parameters": [id_parameter()],
                    "responses": {
                        "200": json_response(
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
                "parameters": [id_parameter()],
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
                    "parameters": [id_parameter()],
                    "responses": {
                        "200": json_response(summary, schema),
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
                    "200": json_response("A status per id asked.", "ConnectionStatuses"),
                    "400": error_response(
                        'The body is not {"users": [ids]}; `errors` names `users`.'
                    ),
                    "401": unauthorized,
                    "415": error_response("The body is not JSON (or form-encoded)."),
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
                        "200": json_response(
                            "One page of Connection Requests.", "ConnectionRequestsPage"
                        ),
                        "400": error_response("A query parameter is invalid; `errors` names it."),
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
                "parameters": [id_parameter()],
                "responses": {
                    "200": json_response("The user.", "User"),
                    "401": error_response(
                        "Invalid token, or authentication required.", www_authenticate
                    ),
                    "404": not_found,
                    "503": unavailable,
                },
            }
        },
    )

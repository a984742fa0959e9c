"""The explorer's read-only endpoints in the OpenAPI document (docs/pages.md)."""

from __future__ import annotations

from apispec import APISpec

from service.api import explore
from service.api import explore_schemas as schemas
from service.api.openapi.parts import error_response, id_parameter, json_response


def explore_paths(spec: APISpec, unavailable: dict, www_authenticate: dict) -> None:
    """The explorer's read-only endpoints (issue 21, docs/pages.md): bounded in cost."""
    spec.components.schema("ExploreNetwork", schema=schemas.ExploreNetworkSchema)
    spec.components.schema("ExploreUsersPage", schema=schemas.ExploreUsersPageSchema)
    spec.components.schema("ExplorePath", schema=schemas.ExplorePathSchema)
    spec.components.schema("ExploreSuggestions", schema=schemas.ExploreSuggestionsSchema)
    invalid = error_response("A query parameter is invalid; `errors` names it.")
    unauthorized = error_response("Invalid token, or authentication required.", www_authenticate)
    forbidden = error_response("The community is in follow mode.")
    not_found = error_response("No such active user.")
    connection_rules = (
        " Follows the connections list's rules: friendship mode (follow_enabled false), and "
        "authentication only if content_availability is false. Never an email."
    )
    operations = [
        (
            explore.NETWORK_PATH,
            "getExploreNetwork",
            "A User's Ego Network",
            "The user (hop 0), their `limit` newest connections (hop 1) and, with hops=2, up to "
            "2 * limit users those reach (the 10 newest connections of each, most reached first; "
            "hop 2), with the connections among all of them, at most 5,000 (`truncated` says "
            "more were cut). `pagerank` and `community_id` are the analytics' properties, null "
            "until computed." + connection_rules,
            [id_parameter(), {"in": "query", "schema": schemas.ExploreNetworkQuerySchema}],
            "ExploreNetwork",
            {"404": not_found},
        ),
        (
            explore.SEARCH_PATH,
            "searchExploreUsers",
            "Find Users",
            "Active users: the one whose id is `q`, then those whose username starts with `q` "
            "(case-sensitive), by username then id; `count` is at most 1,001. Anonymous access "
            "is allowed unless content_availability is false. Never an email.",
            [{"in": "query", "schema": schemas.ExploreSearchQuerySchema}],
            "ExploreUsersPage",
            {},
        ),
        (
            explore.PATH_PATH,
            "getExploreShortestPath",
            "Shortest Path Between Two Users",
            "The users along one shortest path of connections from `from` to `to`; `path` and "
            "`length` are null when they are more than 6 hops apart." + connection_rules,
            [{"in": "query", "schema": schemas.ExplorePathQuerySchema}],
            "ExplorePath",
            {"404": not_found},
        ),
        (
            explore.MUTUAL_PATH,
            "getExploreMutualConnections",
            "Mutual Connections of Two Users",
            "The users connected to both `a` and `b`, by id, paged." + connection_rules,
            [{"in": "query", "schema": schemas.ExploreMutualQuerySchema}],
            "ExploreUsersPage",
            {"404": not_found},
        ),
        (
            explore.SUGGESTIONS_PATH,
            "getExploreSuggestions",
            "My Suggestions With Mutual Counts",
            "The first users the suggestion endpoint suggests to the requesting user, each with "
            "the number of connections shared with them. Requires authentication and friendship "
            "mode.",
            [{"in": "query", "schema": schemas.ExploreSuggestionsQuerySchema}],
            "ExploreSuggestions",
            {},
        ),
    ]
    for path, operation_id, summary, description, parameters, schema, extra in operations:
        signed_in_only = operation_id == "getExploreSuggestions"
        spec.path(
            path=path,
            operations={
                "get": {
                    "operationId": operation_id,
                    "summary": summary,
                    "description": description,
                    "tags": ["explore"],
                    "security": [{"bearerAuth": []}]
                    if signed_in_only
                    else [{}, {"bearerAuth": []}],
                    "parameters": parameters,
                    "responses": {
                        "200": json_response(summary + ".", schema),
                        "400": invalid,
                        "401": unauthorized,
                        "403": forbidden,
                        **extra,
                        "503": unavailable,
                    },
                }
            },
        )

"""The explorer's query and response schemas (/api/v2/explore/, docs/pages.md)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from service.api.schemas import (
    ConnectionsQuerySchema,
    PageEnvelopeSchema,
    QueryInteger,
    ranged_query_integer,
)
from service.domain.schemas import MAX_INT64

# The explorer's endpoints (/api/v2/explore/, docs/pages.md): their caps are stated here.
EXPLORE_MAX_FIRST = 200  # connections drawn around a user (the domain caps the rest)
EXPLORE_MAX_SUGGESTIONS = 50


def _user_id_param(description: str, **kwargs) -> QueryInteger:
    return ranged_query_integer(
        1,
        MAX_INT64,
        description,
        f"Must be a user id (1 to {MAX_INT64}).",
        required=True,
        error_messages={"required": "A user id is required."},
        **kwargs,
    )


class ExploreNetworkQuerySchema(Schema):
    """`hops` and `limit` of a user's ego network; the second hop draws at most 2 * limit."""

    class Meta:
        unknown = EXCLUDE

    hops = ranged_query_integer(
        1,
        2,
        "1: the user and their connections; 2: and theirs, capped.",
        "Must be 1 or 2.",
        load_default=1,
    )
    limit = ranged_query_integer(
        1,
        EXPLORE_MAX_FIRST,
        "How many of the user's connections to draw, newest first.",
        load_default=50,
    )


class ExploreSearchQuerySchema(ConnectionsQuerySchema):
    """`q` (an id or a username prefix) and the list's `limit`/`offset`."""

    q = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100, error="Must be 1 to 100 characters."),
        error_messages={"required": "The search text is required."},
        metadata={"description": "A user id, or the start of a username (case-sensitive)."},
    )


class ExplorePathQuerySchema(Schema):
    """The two ends of a shortest path."""

    class Meta:
        unknown = EXCLUDE

    source = _user_id_param("The user the path starts from.", data_key="from")
    target = _user_id_param("The user the path ends at.", data_key="to")


class ExploreMutualQuerySchema(ConnectionsQuerySchema):
    """The two users whose mutual connections are listed, and the list's `limit`/`offset`."""

    a = _user_id_param("One user.")
    b = _user_id_param("The other user.")


class ExploreSuggestionsQuerySchema(Schema):
    """How many suggestions to show."""

    class Meta:
        unknown = EXCLUDE

    limit = ranged_query_integer(
        1, EXPLORE_MAX_SUGGESTIONS, "How many suggestions, best first.", load_default=10
    )


class _ExplorePublicUserSchema(Schema):
    """The fields of a user every explorer answer may show, first (never an email)."""

    class Meta:
        ordered = True

    id = fields.Integer(required=True)
    username = fields.String(required=True, allow_none=True)
    real_name = fields.String(allow_none=True)
    avatar = fields.String(allow_none=True)


class ExploreUserSchema(_ExplorePublicUserSchema):
    """A user as the explorer draws it: public fields, the counter, the analytics' properties."""

    status = fields.String(allow_none=True)
    connections_counter = fields.Integer(required=True)
    pagerank = fields.Float(
        allow_none=True, metadata={"description": "PageRank, when the analytics computed it."}
    )
    community_id = fields.Integer(
        allow_none=True, metadata={"description": "Community, when the analytics computed it."}
    )


class ExploreNodeSchema(ExploreUserSchema):
    """A drawn user and its distance from the centre."""

    hop = fields.Integer(required=True, metadata={"description": "0 (the user), 1 or 2."})


class ExploreEdgeSchema(Schema):
    """A connection between two drawn users, once (source < target)."""

    source = fields.Integer(required=True)
    target = fields.Integer(required=True)


class ExploreNetworkSchema(Schema):
    """A user's capped ego network."""

    class Meta:
        ordered = True

    user_id = fields.Integer(required=True)
    degree = fields.Integer(required=True, metadata={"description": "All the user's connections."})
    nodes = fields.List(fields.Nested(ExploreNodeSchema), required=True)
    edges = fields.List(fields.Nested(ExploreEdgeSchema), required=True)
    truncated = fields.Boolean(
        required=True, metadata={"description": "More edges than the cap (5,000): cut."}
    )


class ExploreUsersPageSchema(PageEnvelopeSchema):
    """The envelope around a page of explorer users."""

    results = fields.List(fields.Nested(ExploreUserSchema), required=True)


class ExplorePathSchema(Schema):
    """One shortest path, or null beyond 6 hops."""

    path = fields.List(fields.Nested(ExploreUserSchema), required=True, allow_none=True)
    length = fields.Integer(required=True, allow_none=True)


class ExploreSuggestionSchema(_ExplorePublicUserSchema):
    """A suggested user with the number of connections shared with the viewer."""

    connections_counter = fields.Integer(allow_none=True)
    mutual = fields.Integer(required=True)


class ExploreSuggestionsSchema(Schema):
    """The viewer's first suggestions."""

    results = fields.List(fields.Nested(ExploreSuggestionSchema), required=True)

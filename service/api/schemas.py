"""The HTTP layer's own schemas: query parameters, the page envelope and error bodies."""

from __future__ import annotations

import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

from service.domain.errors import InvalidBody
from service.domain.schemas import (
    CONNECTION_STATUSES,
    MAX_INT64,
    ConnectionRequestSchema,
    UserSchema,
)

MAX_STATUS_IDS = 1000
_SIGNED_DIGITS = re.compile(r"-?[0-9]{1,19}")

_DIGITS = re.compile(r"[0-9]+")


class QueryInteger(fields.Integer):
    """A query-string integer: ASCII digits only, so `1.5`, `-1`, `1e3` and ` 7` are invalid."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list):
            # A repeated parameter: Django's QueryDict (so DRF) reads the last value.
            value = value[-1]
        if not isinstance(value, str) or not _DIGITS.fullmatch(value):
            raise self.make_error("invalid", input=value)
        if len(value) > 19:
            # Beyond any 64-bit integer: the validators reject it or the schema caps it,
            # and parsing thousands of digits is never needed.
            return MAX_INT64 + 1
        return int(value)


def ranged_query_integer(
    low: int, high: int | None, description: str, message: str = "", **kwargs
) -> QueryInteger:
    """A QueryInteger from `low` to `high` (None: no cap) whose one message a 400 gives for a
    value out of range and for one that is not an integer."""
    message = message or f"Must be an integer from {low} to {high}."
    error_messages = {"invalid": message, **kwargs.pop("error_messages", {})}
    return QueryInteger(
        validate=validate.Range(min=low, max=high, error=message),
        error_messages=error_messages,
        metadata={"description": description},
        **kwargs,
    )


class ConnectionsQuerySchema(Schema):
    """`limit`/`offset` of the connections list; `limit` above the maximum is capped."""

    class Meta:
        unknown = EXCLUDE

    limit = ranged_query_integer(
        1,
        None,
        "Number of results to return per page. Default 20; values above the maximum (default "
        "100) are capped to it.",
        "Must be a positive integer (1 or more).",
    )
    offset = ranged_query_integer(
        0, MAX_INT64, "The initial index from which to return the results.", load_default=0
    )

    def __init__(self, *, default_limit: int = 20, max_limit: int = 100, **kwargs):
        super().__init__(**kwargs)
        self.default_limit = default_limit
        self.max_limit = max_limit

    @post_load
    def cap_limit(self, data: dict, **kwargs) -> dict:
        """Default and cap `limit` exactly as DRF's `get_limit` does with `max_limit`."""
        data["limit"] = min(data.get("limit", self.default_limit), self.max_limit)
        return data


class PageEnvelopeSchema(Schema):
    """DRF's LimitOffsetPagination envelope; subclasses say what `results` holds."""

    class Meta:
        ordered = True

    count = fields.Integer(required=True, metadata={"description": "Total results count."})
    next = fields.Url(required=True, allow_none=True, metadata={"description": "Next page."})
    previous = fields.Url(
        required=True, allow_none=True, metadata={"description": "Previous page."}
    )


class ConnectionsPageSchema(PageEnvelopeSchema):
    """The envelope around a page of users."""

    results = fields.List(fields.Nested(UserSchema), required=True)


class ErrorSchema(Schema):
    """Every error response: a human-readable `detail`, and per-parameter messages on 400."""

    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ConnectionRequestsPageSchema(PageEnvelopeSchema):
    """The envelope around a page of Connection Requests."""

    results = fields.List(fields.Nested(ConnectionRequestSchema), required=True)


class UserIdList(fields.Field):
    """User ids as integers or numeric strings, at most MAX_STATUS_IDS; loads `(key, id)` pairs
    whose key is the id as the client wrote it, so every id asked is a key of the answer."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            raise ValidationError("Must be a list of user ids (integers).")
        if len(value) > MAX_STATUS_IDS:
            raise ValidationError(f"At most {MAX_STATUS_IDS} user ids, got {len(value)}.")
        ids = []  # (the key the answer uses: the id as sent, the id)
        for item in value:
            if isinstance(item, int) and not isinstance(item, bool):
                ids.append((str(item), item))
            elif isinstance(item, str) and _SIGNED_DIGITS.fullmatch(item):
                ids.append((item, int(item)))
            else:
                raise ValidationError(f"Must be a list of user ids (integers), got {item!r}.")
        return ids


class ConnectionStatusesBodySchema(Schema):
    """The body of `POST user/connection/statuses/`: `{"users": [ids]}`."""

    class Meta:
        unknown = EXCLUDE

    users = UserIdList(
        required=True,
        metadata={
            "description": f"User ids (integers or numeric strings), at most {MAX_STATUS_IDS}.",
            "type": "array",
            "items": {
                "oneOf": [
                    {"type": "integer"},
                    {"type": "string", "pattern": r"^-?[0-9]{1,19}$"},
                ]
            },
            "maxItems": MAX_STATUS_IDS,
        },
    )

    def handle_error(self, error: ValidationError, data, **kwargs):
        # A body error, not a query-parameter one: its own 400 message names the field.
        raise InvalidBody(error.normalized_messages())


class ConnectionStatusSchema(Schema):
    """`{"connection_status": ...}`: the user's status relative to the requester."""

    connection_status = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(CONNECTION_STATUSES)
    )


class IsConnectionSchema(Schema):
    """`{"is_connection": bool}`."""

    is_connection = fields.Boolean(required=True)


class ConnectionStatusesSchema(Schema):
    """`{"connection_statuses": {"<id>": status}}` for every id asked."""

    connection_statuses = fields.Dict(
        keys=fields.String(),
        values=fields.String(allow_none=True, validate=validate.OneOf(CONNECTION_STATUSES)),
        required=True,
    )


class UserCountersSchema(Schema):
    """SelfCommunity's `GET /api/v2/user/{id}/counters/` body, for what this service holds.

    The connection counters appear in friendship mode only (as in SelfCommunity); followings,
    followers and categories are not data this service has, so they are left out.
    """

    discussions = fields.Integer(required=True)
    posts = fields.Integer(required=True)
    statuses = fields.Integer(required=True)
    polls = fields.Integer(required=True)
    connection_requests_sent = fields.Integer()
    connection_requests_received = fields.Integer()
    connections = fields.Integer()

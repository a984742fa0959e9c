"""Marshmallow schemas with SelfCommunity's field names; the API and the importer share them."""

from __future__ import annotations

import datetime as dt

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

GENDERS = ("Male", "Female", "Unspecified")
STATUSES = ("a", "b", "d", "u")  # approved, blocked, deleted (soft), unregistered (hard)
CONNECTION_STATUSES = ("connected", "sent_connection_request", "received_connection_request")


class UtcDateTime(fields.DateTime):
    """ISO-8601 in UTC with a `Z` suffix, as SelfCommunity writes `date_joined`."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.timezone.utc)
        return parsed.astimezone(dt.timezone.utc)


class UserSchema(Schema):
    """The User object exactly as the seed's example response shows it."""

    class Meta:
        unknown = EXCLUDE
        ordered = True

    id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**63 - 1))
    username = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=255), validate.Regexp(r"^[A-Za-z0-9_-]+$")],
    )
    real_name = fields.String(load_default="", validate=validate.Length(max=255))
    email = fields.Email(load_default=None, allow_none=True)
    email_isvalid = fields.Boolean(load_default=False)
    date_joined = UtcDateTime(load_default=None, allow_none=True)
    bio = fields.String(load_default="")
    location = fields.String(load_default="", validate=validate.Length(max=100))
    location_lat_lng = fields.String(load_default="", allow_none=True)
    position_lat_lng = fields.String(load_default="", allow_none=True)
    date_of_birth = fields.Date(load_default=None, allow_none=True)
    description = fields.String(load_default="", validate=validate.Length(max=50))
    gender = fields.String(load_default="Unspecified", validate=validate.OneOf(GENDERS))
    status = fields.String(load_default="a", validate=validate.OneOf(STATUSES))
    website = fields.String(load_default="", validate=validate.Length(max=200))
    avatar = fields.String(load_default=None, allow_none=True)
    cover = fields.String(load_default=None, allow_none=True)
    ext_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    tags = fields.List(fields.Raw(), load_default=list)
    reputation = fields.Integer(load_default=0, strict=True)
    connection_status = fields.String(
        dump_only=True, allow_none=True, validate=validate.OneOf(CONNECTION_STATUSES)
    )
    connection_requests_sent_counter = fields.Integer(dump_only=True)
    connection_requests_received_counter = fields.Integer(dump_only=True)
    connections_counter = fields.Integer(dump_only=True)
    posts_counter = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0))
    discussions_counter = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0))
    statuses_counter = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0))
    polls_counter = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0))


class ConnectionRowSchema(Schema):
    """One row of a connections import file: an undirected pair of users and when it was made."""

    class Meta:
        ordered = True

    user_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**63 - 1))
    other_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**63 - 1))
    created_at = UtcDateTime(load_default=None, allow_none=True)

    @validates_schema
    def _not_self(self, data, **kwargs):
        if data.get("user_id") is not None and data.get("user_id") == data.get("other_id"):
            raise ValidationError("a user cannot be connected to themselves", "other_id")


class ConnectionRequestRowSchema(Schema):
    """One row of a connection-requests import file: a pending request from one user to another."""

    class Meta:
        ordered = True

    from_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**63 - 1))
    to_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**63 - 1))
    created_at = UtcDateTime(load_default=None, allow_none=True)

    @validates_schema
    def _not_self(self, data, **kwargs):
        if data.get("from_id") is not None and data.get("from_id") == data.get("to_id"):
            raise ValidationError("a user cannot send a connection request to themselves", "to_id")

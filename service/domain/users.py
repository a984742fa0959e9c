"""A User object as SelfCommunity sends it, validated once and turned into the stored row.

The importer (JSON Lines) and the webhook receiver (`user.*` events) both go through here.
"""

from __future__ import annotations

import json

from marshmallow import ValidationError

from service.domain.schemas import UserSchema

# Stored verbatim from the validated user; `tags` becomes `tags_json`, `date_joined` is set apart
# so that an absent value never overwrites the stored one.
USER_PROPERTIES = (
    "username",
    "real_name",
    "email",
    "email_isvalid",
    "bio",
    "location",
    "location_lat_lng",
    "position_lat_lng",
    "date_of_birth",
    "description",
    "gender",
    "status",
    "website",
    "avatar",
    "cover",
    "ext_id",
    "reputation",
    "posts_counter",
    "discussions_counter",
    "statuses_counter",
    "polls_counter",
)


# Built once: making a Schema copies its declared fields (about 0.4 ms of CPU, twice per
# connection event); loading with one keeps no state between calls.
_USER_SCHEMA = UserSchema()


class InvalidUser(ValueError):
    """A User object that does not validate; `field` names the first bad field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def search_key(username: str) -> str:
    """What the explorer's username search matches a prefix against: case does not matter
    (stored as `username_key`, indexed; the search lowers its prefix the same way)."""
    return username.lower()


def user_properties(user: dict) -> dict:
    """A validated user (UserSchema.load output) as the stored node properties, minus the id."""
    props = {name: user.get(name) for name in USER_PROPERTIES}
    username = props["username"]
    props["username_key"] = None if username is None else search_key(username)
    props["tags_json"] = json.dumps(user.get("tags") or [], separators=(",", ":"))
    props["is_staff"] = bool(user.get("is_staff", False))
    return props


def first_error(messages) -> tuple[str, str]:
    """(field, message) of the first Marshmallow error, flattening nested dicts and lists."""
    if isinstance(messages, dict):
        name, inner = next(iter(messages.items()))
        sub_field, message = first_error(inner)
        return (str(name) if sub_field == "-" else f"{name}.{sub_field}"), message
    if isinstance(messages, list) and messages:
        return first_error(messages[0])
    return "-", str(messages)


def stored_user(raw, schema: UserSchema | None = None) -> dict:
    """`{id, date_joined, props}` for the graph's user upsert; InvalidUser when it won't do."""
    if not isinstance(raw, dict):
        raise InvalidUser("-", "a User must be a JSON object")
    try:
        user = (schema or _USER_SCHEMA).load(raw)
    except ValidationError as exc:
        raise InvalidUser(*first_error(exc.messages)) from None
    is_staff = raw.get("is_staff", False)
    if not isinstance(is_staff, bool):
        raise InvalidUser("is_staff", "Not a valid boolean.")
    user["is_staff"] = is_staff
    return {"id": user["id"], "date_joined": user["date_joined"], "props": user_properties(user)}


def event_user(raw) -> dict:
    """stored_user for a webhook event's user: only the fields the payload carries are set.

    SelfCommunity's payloads never carry `is_staff` (a product-only field) and may omit others;
    `props` holds just the fields present in `raw`, so an update keeps every other stored value.
    `create_props` (every field, defaults included, `is_staff` false) are set only on a user the
    event creates. InvalidUser as stored_user.
    """
    row = stored_user(raw)
    full = row["props"]
    present = {name: full[name] for name in USER_PROPERTIES if name in raw}
    if "username" in raw:
        present["username_key"] = full["username_key"]
    if "tags" in raw:
        present["tags_json"] = full["tags_json"]
    if "is_staff" in raw:
        present["is_staff"] = full["is_staff"]
    return {**row, "props": present, "create_props": full}

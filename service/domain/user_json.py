"""A user as the API's JSON, cut where the viewer decides: pages are spliced, not serialised.

`encode_user(row)` dumps a row with the User schema once and keeps the encoded bytes in four
pieces around the two viewer-dependent parts: the private fields (`email`, `email_isvalid`:
shown to staff and to the user, null to everyone else) and `connection_status`. `render` puts
a viewer's values in; the result is byte for byte `orjson.dumps` of the schema's dump of that
viewer's row, so the cache can store a user once and serve every viewer from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from service.domain.schemas import UserSchema, compile_dumper

PRIVATE_FIELDS = ("email", "email_isvalid")
STATUS_FIELD = "connection_status"
# What a viewer who may not see them gets instead of the private fields.
HIDDEN_PRIVATE = orjson.dumps(dict.fromkeys(PRIVATE_FIELDS))[1:-1]
NULL = b"null"
_SEPARATOR = b"\x00"  # never in orjson's output: JSON escapes every control character

_dump_user = compile_dumper(UserSchema())
_KEYS = [field.data_key or name for name, field in UserSchema().dump_fields.items()]
_first_private = _KEYS.index(PRIVATE_FIELDS[0])
_status = _KEYS.index(STATUS_FIELD)
assert _KEYS[_first_private : _first_private + len(PRIVATE_FIELDS)] == list(PRIVATE_FIELDS)
_HEAD = _KEYS[:_first_private]
_MIDDLE = _KEYS[_first_private + len(PRIVATE_FIELDS) : _status]
_TAIL = _KEYS[_status + 1 :]


@dataclass(frozen=True, slots=True)
class UserJson:
    """User `id`'s encoded JSON without the viewer's parts: `head` opens the object, `private`
    holds the private fields as their owner sees them, `middle` ends with the status's key."""

    id: int
    head: bytes
    private: bytes
    middle: bytes
    tail: bytes

    def render(self, status: bytes, show_private: bool) -> bytes:
        """The user as one viewer sees them; `status` is the JSON of their connection_status."""
        private = self.private if show_private else HIDDEN_PRIVATE
        return self.head + private + self.middle + status + self.tail

    def to_bytes(self) -> bytes:
        """The form the cache stores."""
        return _SEPARATOR.join((self.head, self.private, self.middle, self.tail))

    @classmethod
    def from_bytes(cls, user_id: int, data: bytes) -> UserJson:
        head, private, middle, tail = data.split(_SEPARATOR)
        return cls(user_id, head, private, middle, tail)


def _members(dumped: dict, keys: list[str]) -> bytes:
    """`"key":value,...` of those of `keys` the dump has, in order (no braces)."""
    return orjson.dumps({key: dumped[key] for key in keys if key in dumped})[1:-1]


def encode_user(row: dict) -> UserJson:
    """A row (as the graph reads it) dumped with the User schema, encoded, in pieces."""
    dumped = _dump_user([row])[0]
    if not all(name in dumped for name in PRIVATE_FIELDS):
        raise ValueError("the User schema dumps every private field")  # its defaults do
    head, private, middle, tail = (
        _members(dumped, keys) for keys in (_HEAD, list(PRIVATE_FIELDS), _MIDDLE, _TAIL)
    )
    return UserJson(
        id=row["id"],
        head=b"{" + (head + b"," if head else b""),
        private=private,
        middle=(b"," + middle if middle else b"") + b',"' + STATUS_FIELD.encode() + b'":',
        tail=(b"," + tail if tail else b"") + b"}",
    )


def status_json(status: str | None) -> bytes:
    """A connection_status as the JSON `render` takes."""
    return orjson.dumps(status)


def user_row(user: UserJson, status: str | None) -> dict:
    """The user as a dict in the schema's dumped form (dates as ISO strings), with its owner's
    private fields and `status`: what the cache's readers of dict rows revive."""
    return orjson.loads(user.render(status_json(status), show_private=True))

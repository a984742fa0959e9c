"""Row conversion: Neo4j records to plain dicts with Python values, shared by every DAO."""

from __future__ import annotations

import json
import logging
from typing import Any

from service.graph import cypher

log = logging.getLogger(__name__)

# Properties that are stored for the graph's sake and never serialized as they are.
_INTERNAL_PROPERTIES = ("tags_json", "is_staff")


def native(value: Any) -> Any:
    """A driver temporal value as its Python datetime/date; anything else as it is."""
    return value.to_native() if hasattr(value, "to_native") else value


def user_row(record: Any) -> dict:
    """A plain dict with Python values, ready for `UserSchema.dump` (from a record or a map)."""
    user = dict(record["user"])
    tags_json = user.get("tags_json")
    for name in _INTERNAL_PROPERTIES:
        user.pop(name, None)
    try:
        user["tags"] = json.loads(tags_json) if tags_json else []
    except ValueError:
        log.warning("user %s has malformed tags_json; serving no tags", user.get("id"))
        user["tags"] = []
    for name in ("date_joined", "date_of_birth"):
        value = user.get(name)
        if value is not None:
            user[name] = native(value)
    user["connections_counter"] = record["connections_counter"]
    user["connection_requests_sent_counter"] = record["connection_requests_sent_counter"]
    user["connection_requests_received_counter"] = record["connection_requests_received_counter"]
    user["connection_status"] = record["connection_status"]
    return user


def user_rows(tx: Any, ids: list[int], viewer_id: int | None) -> list[dict]:
    """Full User rows for `ids`, in that order, as the viewer sees them (a transaction step)."""
    if not ids:
        return []
    result = tx.run(cypher.query("api/user_rows"), ids=ids, viewer_id=viewer_id)
    return [user_row(record) for record in result]

"""Users as objects: one entry per user (its encoded JSON), one per viewer-and-user status.

The shared pieces of every cached read: a user's object is viewer-independent and stored once
(`c:uj:{id}`, depends on that user) as the API's own JSON of the user, cut where the viewer's
parts go (domain/user_json.py); what a viewer sees of it is `connection_status`, stored per
viewer and user (`c:ps:{viewer}:{id}`, depends on both) as JSON. A page is spliced from these
bytes (`UserPages`); every other read revives dict rows from them (`UserRows`). A write on a
user is seen everywhere that user is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from service.cache.client import CacheDown
from service.cache.store import CacheStore, Fill, Lookup, PageLookup, Snapshot, count, revive
from service.domain.ports import UserReads
from service.domain.user_json import NULL, UserJson, encode_user, status_json, user_row

OBJECT_PREFIX = "c:uj:"  # `c:u:` held dict rows before the JSON objects: never read again


class RowReads(UserReads, Protocol):
    """What the cache needs of the graph's users besides the domain's port (graph/users.py)."""

    def find_rows(self, ids: list[int], viewer_id: int | None) -> list[dict]: ...


def object_key(user_id: int) -> str:
    return f"{OBJECT_PREFIX}{user_id}"


def status_prefix(viewer_id: int | None) -> str:
    """The viewer's status keys without the user's id ('' for an anonymous viewer)."""
    return "" if viewer_id is None else f"c:ps:{viewer_id}:"


def page_with_users(
    store: CacheStore, kind: str, key: str, field: str, viewer_id: int | None
) -> PageLookup | None:
    """A list page with its users' objects and `viewer_id`'s statuses (store.page), or None
    when the cache is down (counted as `kind` skipped: the caller reads Neo4j)."""
    try:
        return store.page(key, field, OBJECT_PREFIX, status_prefix(viewer_id), viewer_id)
    except CacheDown:
        count(kind, "skipped")
        return None


def status_key(viewer_id: int, user_id: int) -> str:
    return f"{status_prefix(viewer_id)}{user_id}"


def has_status(viewer_id: int | None, user_id: int) -> bool:
    """Whether a row's connection_status depends on the viewer (null for anonymous and self)."""
    return viewer_id is not None and viewer_id != user_id


def row_of(obj: UserJson, status: str | None) -> dict:
    """A user row from its cached object and the viewer's status."""
    row = revive(user_row(obj, status), ("date_joined",))
    return revive(row, ("date_of_birth",), dt.date.fromisoformat)


def row_fills(
    store: CacheStore,
    rows: Sequence[dict],
    viewer_id: int | None,
    encoded: Sequence[UserJson] | None = None,
) -> list[Fill]:
    """The object and status entries that `rows` (as `viewer_id` sees them) fill; `encoded`:
    the rows' objects when the caller has encoded them already."""
    objects = encoded if encoded is not None else [encode_user(row) for row in rows]
    fills = []
    for row, obj in zip(rows, objects, strict=True):
        uid = row["id"]
        fills.append(Fill(object_key(uid), (uid,), obj.to_bytes(), store.ttl))
        if has_status(viewer_id, uid):
            fills.append(
                Fill(
                    status_key(viewer_id, uid),  # type: ignore[arg-type]
                    (viewer_id, uid),  # type: ignore[arg-type]
                    row["connection_status"],
                    store.ttl,
                )
            )
    return fills


class UserRows:
    """Full rows for a list of ids as a viewer sees them: from the cache, the rest from Neo4j."""

    def __init__(self, inner: RowReads, store: CacheStore):
        self.inner = inner
        self.store = store

    def keys(self, ids: Sequence[int], viewer_id: int | None) -> list[tuple[str, str]]:
        """The entries `assemble` reads: every object, then the viewer's statuses."""
        keys = [(object_key(i), "") for i in ids]
        if viewer_id is not None:
            keys += [(status_key(viewer_id, i), "") for i in ids if i != viewer_id]
        return keys

    def assemble(
        self,
        found: Lookup,
        first: int,
        ids: Sequence[int],
        viewer_id: int | None,
        snapshot: Snapshot,
    ) -> tuple[list[dict], int]:
        """Rows for `ids` from `found` (entries from index `first`, laid out as `keys` lays
        them out), reading what is missing from Neo4j and filling it; `(rows, misses)`."""
        objects: dict[int, UserJson] = {}
        statuses: dict[int, str | None] = {}
        missing: list[int] = []
        position = first + len(ids)
        for index, uid in enumerate(ids):
            raw = found.raw[first + index]
            hit, status = raw is not None, None
            if has_status(viewer_id, uid):
                status_hit, status = found.entry(position)
                position += 1
                hit = hit and status_hit
            if hit:
                objects[uid], statuses[uid] = UserJson.from_bytes(uid, raw), status  # type: ignore[arg-type]
            else:
                missing.append(uid)
        rows: dict[int, dict] = {uid: row_of(objects[uid], statuses[uid]) for uid in objects}
        if missing:
            fresh = self.inner.find_rows(missing, viewer_id)
            self.store.fill(snapshot, row_fills(self.store, fresh, viewer_id))
            rows.update({row["id"]: row for row in fresh})
        return [rows[uid] for uid in ids if uid in rows], len(missing)


class UserPages:
    """The users of a list page as encoded objects with the viewer's statuses (JSON): from the
    page's own lookup, the rest from Neo4j, filled."""

    def __init__(self, inner: RowReads, store: CacheStore):
        self.inner = inner
        self.store = store

    def assemble(
        self,
        found_objects: Sequence[bytes | None],
        found_statuses: Sequence[bytes | None],
        ids: Sequence[int],
        viewer_id: int | None,
        snapshot: Snapshot,
    ) -> tuple[list[tuple[UserJson, bytes]], int]:
        """`(users, misses)`: each id's object and status, laid out as the page lookup lays
        them out (a status for every id but the viewer's own); users read from Neo4j when
        missing, and filled. A user that is no longer there is left out."""
        users: dict[int, tuple[UserJson, bytes]] = {}
        missing: list[int] = []
        position = 0
        for uid, raw in zip(ids, found_objects, strict=True):
            status: bytes | None = NULL
            if has_status(viewer_id, uid):
                status = found_statuses[position]
                position += 1
            if raw is None or status is None:
                missing.append(uid)
            else:
                users[uid] = (UserJson.from_bytes(uid, raw), status)
        if missing:
            fresh = self.inner.find_rows(missing, viewer_id)
            encoded = [encode_user(row) for row in fresh]
            self.store.fill(snapshot, row_fills(self.store, fresh, viewer_id, encoded))
            for row, obj in zip(fresh, encoded, strict=True):
                users[row["id"]] = (obj, status_json(row["connection_status"]))
        return [users[uid] for uid in ids if uid in users], len(missing)

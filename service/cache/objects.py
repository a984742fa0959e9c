"""Users as objects: one entry per user (row and counters), one per viewer-and-user status.

The shared pieces of every cached read: a user's row is viewer-independent and stored once
(`c:u:{id}`, depends on that user); what a viewer sees of it is `connection_status`, stored
per viewer and user (`c:ps:{viewer}:{id}`, depends on both). Any page, list or detail that
shows users is assembled from these, so a write on a user is seen everywhere that user is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from service.cache.store import CacheStore, Fill, Lookup, Snapshot, revive
from service.domain.ports import UserReads


class RowReads(UserReads, Protocol):
    """What the cache needs of the graph's users besides the domain's port (graph/users.py)."""

    def find_rows(self, ids: list[int], viewer_id: int | None) -> list[dict]: ...


def object_key(user_id: int) -> str:
    return f"c:u:{user_id}"


def status_key(viewer_id: int, user_id: int) -> str:
    return f"c:ps:{viewer_id}:{user_id}"


def has_status(viewer_id: int | None, user_id: int) -> bool:
    """Whether a row's connection_status depends on the viewer (null for anonymous and self)."""
    return viewer_id is not None and viewer_id != user_id


def object_of(row: dict) -> dict:
    """The viewer-independent part of a user row."""
    return {name: value for name, value in row.items() if name != "connection_status"}


def row_of(obj: dict, status: str | None) -> dict:
    """A user row from its cached object and the viewer's status."""
    row = revive(dict(obj), ("date_joined",))
    revive(row, ("date_of_birth",), dt.date.fromisoformat)
    row["connection_status"] = status
    return row


def row_fills(store: CacheStore, rows: Sequence[dict], viewer_id: int | None) -> list[Fill]:
    """The object and status entries that `rows` (as `viewer_id` sees them) fill."""
    fills = []
    for row in rows:
        uid = row["id"]
        fills.append(Fill(object_key(uid), (uid,), object_of(row), store.ttl))
        if viewer_id is not None and viewer_id != uid:
            fills.append(
                Fill(
                    status_key(viewer_id, uid),
                    (viewer_id, uid),
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
        objects: dict[int, dict] = {}
        statuses: dict[int, str | None] = {}
        missing: list[int] = []
        position = first + len(ids)
        for index, uid in enumerate(ids):
            hit, obj = found.entry(first + index)
            status: str | None = None
            if has_status(viewer_id, uid):
                status_hit, status = found.entry(position)
                position += 1
                hit = hit and status_hit
            if hit:
                objects[uid], statuses[uid] = obj, status
            else:
                missing.append(uid)
        rows: dict[int, dict] = {uid: row_of(objects[uid], statuses[uid]) for uid in objects}
        if missing:
            fresh = self.inner.find_rows(missing, viewer_id)
            self.store.fill(snapshot, row_fills(self.store, fresh, viewer_id))
            rows.update({row["id"]: row for row in fresh})
        return [rows[uid] for uid in ids if uid in rows], len(missing)

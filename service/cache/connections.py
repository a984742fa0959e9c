"""`ConnectionPageReads` through the cache: a user's connection list, newest first, with count.

The association is stored a page at a time in one hash per user (`c:cl:{id}`, field
`offset:limit` -> `[count, ids]`, depends on that user), so a miss is exactly the graph's one
round trip, and its rows fill the objects and statuses every later page shares.
"""

from __future__ import annotations

from service.cache.client import CacheDown
from service.cache.objects import RowReads, UserRows, row_fills
from service.cache.store import CacheStore, Fill, count
from service.domain.ports import ConnectionPageReads


def list_key(user_id: int) -> str:
    return f"c:cl:{user_id}"


class CachedConnectionPages:
    """Satisfies `ConnectionPageReads`; pages past `max_offset` are read from Neo4j only."""

    def __init__(
        self, inner: ConnectionPageReads, users: RowReads, store: CacheStore, max_offset: int
    ):
        self.inner = inner
        self.store = store
        self.rows = UserRows(users, store)
        self.max_offset = max_offset

    def list_user_connections(
        self, user_id: int, viewer_id: int | None, offset: int, limit: int
    ) -> tuple[int, list[dict]]:
        if offset + limit > self.max_offset:
            count("page", "deep")
            return self.inner.list_user_connections(user_id, viewer_id, offset, limit)
        field = f"{offset}:{limit}"
        try:
            found = self.store.lookup([(list_key(user_id), field)], [user_id])
            hit, value = found.entry(0)
            if hit:
                total, ids = value
                viewers = [viewer_id] if viewer_id is not None else []
                objects = self.store.lookup(self.rows.keys(ids, viewer_id), [*ids, *viewers])
        except CacheDown:
            count("page", "skipped")
            return self.inner.list_user_connections(user_id, viewer_id, offset, limit)
        if hit:
            rows, misses = self.rows.assemble(objects, 0, ids, viewer_id, objects.snapshot)
            if len(rows) == len(ids):
                count("page", "hit" if not misses else "partial")
                return total, rows
        count("page", "miss")
        total, rows = self.inner.list_user_connections(user_id, viewer_id, offset, limit)
        page = Fill(
            list_key(user_id), (user_id,), [total, [r["id"] for r in rows]], self.store.ttl, field
        )
        self.store.fill(found.snapshot, [page, *row_fills(self.store, rows, viewer_id)])
        return total, rows

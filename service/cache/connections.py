"""`ConnectionPageReads` through the cache: a user's connection list, newest first, with count.

The association is stored a page at a time in one hash per user (`c:cl:{id}`, field
`offset:limit` -> `[count, ids]`, depends on that user). A hit is one round trip: one script
checks the page and follows its ids to the users' objects and the viewer's statuses inside
Redis (store.py), and the page is spliced from their JSON (`list_user_connections_json`). A
miss is the graph's one read plus one fill, whose rows fill the objects and statuses every
later page shares.
"""

from __future__ import annotations

import orjson

from service.cache.client import CacheDown
from service.cache.near import NearCache
from service.cache.objects import (
    RowReads,
    UserPages,
    page_with_users,
    row_fills,
    row_of,
)
from service.cache.store import CacheStore, Fill, Snapshot, count
from service.domain.ports import ConnectionPageReads
from service.domain.user_json import UserJson, encode_user, status_json
from service.observability import metrics

# Python's own cost of a kept user besides its bytes: the UserJson, its five bytes objects,
# the status and the tuple (sys.getsizeof, CPython 3.11).
_USER_OVERHEAD = 360


def size_of(users: list[tuple[UserJson, bytes]]) -> int:
    """About how many bytes a kept page of `users` holds."""
    return 200 + sum(
        len(u.head) + len(u.private) + len(u.middle) + len(u.tail) + len(status) + _USER_OVERHEAD
        for u, status in users
    )


def list_key(user_id: int) -> str:
    return f"c:cl:{user_id}"


class CachedConnectionPages:
    """Satisfies `ConnectionPageReads` and `ConnectionPageJson`; pages past `max_offset` are
    read from Neo4j only. Whole pages served from Redis are kept in this worker, up to
    `near_bytes` of them (near.py: each use is checked with one MGET)."""

    def __init__(
        self,
        inner: ConnectionPageReads,
        users: RowReads,
        store: CacheStore,
        max_offset: int,
        near_bytes: int = 0,
    ):
        self.inner = inner
        self.store = store
        self.users = UserPages(users, store)
        self.max_offset = max_offset
        self.near: NearCache[tuple[int, list[tuple[UserJson, bytes]]]] = NearCache(near_bytes)

    def list_user_connections_json(
        self, user_id: int, viewer_id: int | None, offset: int, limit: int
    ) -> tuple[int, list[tuple[UserJson, bytes]]]:
        if offset + limit > self.max_offset:
            count("page", "deep")
            return self._read(user_id, viewer_id, offset, limit)
        key = (user_id, viewer_id, offset, limit)
        kept = self.near.get(key)
        if kept is not None:
            stamp, (total, users) = kept
            try:
                current = self.store.still_current(stamp)
            except CacheDown:
                count("page", "skipped")
                return self._read(user_id, viewer_id, offset, limit)
            if current:
                count("page", "hit")
                metrics.labelled(metrics.CACHE_NEAR, "hit").inc()
                return total, list(users)
            self.near.drop(key, stamp)
            metrics.labelled(metrics.CACHE_NEAR, "stale").inc()
        field = f"{offset}:{limit}"
        found = page_with_users(self.store, "page", list_key(user_id), field, viewer_id)
        if found is None:
            return self._read(user_id, viewer_id, offset, limit)
        if found.page is not None:
            total, ids = orjson.loads(found.page)
            users, misses = self.users.assemble(
                found.objects, found.statuses, ids, viewer_id, found.snapshot
            )
            if len(users) == len(ids):
                count("page", "hit" if not misses else "partial")
                if not misses:
                    # Every piece was current in one script run: keep it under that stamp.
                    self.near.put(key, found.stamp(ids, viewer_id), (total, users), size_of(users))
                return total, users
        count("page", "miss")
        return self._read(user_id, viewer_id, offset, limit, (found.snapshot, field))

    def list_user_connections(
        self, user_id: int, viewer_id: int | None, offset: int, limit: int
    ) -> tuple[int, list[dict]]:
        """The same page as dict rows (the API serves the JSON one)."""
        total, users = self.list_user_connections_json(user_id, viewer_id, offset, limit)
        return total, [row_of(user, orjson.loads(status)) for user, status in users]

    def _read(
        self,
        user_id: int,
        viewer_id: int | None,
        offset: int,
        limit: int,
        fill: tuple[Snapshot, str] | None = None,
    ) -> tuple[int, list[tuple[UserJson, bytes]]]:
        """The page from Neo4j, encoded once for the answer and (`fill`: the lookup's
        snapshot and the page's field) for the cache."""
        total, rows = self.inner.list_user_connections(user_id, viewer_id, offset, limit)
        encoded = [encode_user(row) for row in rows]
        if fill is not None:
            snapshot, field = fill
            page = Fill(
                list_key(user_id),
                (user_id,),
                [total, [r["id"] for r in rows]],
                self.store.ttl,
                field,
            )
            self.store.fill(snapshot, [page, *row_fills(self.store, rows, viewer_id, encoded)])
        return total, [
            (obj, status_json(row["connection_status"]))
            for obj, row in zip(encoded, rows, strict=True)
        ]

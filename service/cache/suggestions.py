"""`SuggestionReads` through the cache: a user's suggestion pages, for a short TTL.

A page (`c:sg:{id}`, field `offset:limit` -> `[count, ids]`) depends on the user: any change
to their connections or requests drops it, so a cached page never suggests someone they are
connected to or have a request with. What a change elsewhere in their neighbourhood does to
the ranking is picked up within `ttl` (CACHE_SUGGESTION_TTL_SECONDS). The users come from the
shared objects; a page listing a user who is no longer active is read from Neo4j again.
"""

from __future__ import annotations

import orjson

from service.cache.objects import RowReads, UserRows, page_with_users, row_fills
from service.cache.store import CacheStore, Fill, Lookup, count
from service.domain.ports import SuggestionReads


def suggestions_key(user_id: int) -> str:
    return f"c:sg:{user_id}"


class CachedSuggestions:
    """Satisfies `SuggestionReads`; pages past `max_offset` are read from Neo4j only."""

    def __init__(
        self, inner: SuggestionReads, users: RowReads, store: CacheStore, max_offset: int, ttl: int
    ):
        self.inner = inner
        self.store = store
        self.rows = UserRows(users, store)
        self.max_offset = max_offset
        self.ttl = ttl

    def suggest_users(self, user_id: int, offset: int, limit: int) -> tuple[int, list[dict]]:
        if offset + limit > self.max_offset:
            count("suggestions", "deep")
            return self.inner.suggest_users(user_id, offset, limit)
        field = f"{offset}:{limit}"
        found = page_with_users(self.store, "suggestions", suggestions_key(user_id), field, user_id)
        if found is None:
            return self.inner.suggest_users(user_id, offset, limit)
        if found.page is not None:
            total, ids = orjson.loads(found.page)
            # The page's users laid out as `UserRows.keys` lays them out: objects, statuses.
            objects = Lookup(found.snapshot, [*found.objects, *found.statuses])
            rows, misses = self.rows.assemble(objects, 0, ids, user_id, found.snapshot)
            if len(rows) == len(ids) and all(row.get("status") == "a" for row in rows):
                count("suggestions", "hit" if not misses else "partial")
                return total, rows
        count("suggestions", "miss")
        total, rows = self.inner.suggest_users(user_id, offset, limit)
        page = Fill(
            suggestions_key(user_id), (user_id,), [total, [r["id"] for r in rows]], self.ttl, field
        )
        self.store.fill(found.snapshot, [page, *row_fills(self.store, rows, user_id)])
        return total, rows

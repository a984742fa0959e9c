"""`RequestReads` through the cache: the requests a user received or sent, newest first.

A page is stored as its items without their users (`c:rq:{id}`, field
`direction:offset:limit`, depends on that user: every request change touches both users);
the users come from the shared objects, as the user sees them.
"""

from __future__ import annotations

from service.cache.client import CacheDown
from service.cache.objects import RowReads, UserRows, row_fills
from service.cache.store import CacheStore, Fill, count, revive
from service.domain.ports import RequestReads

_DATES = ("created", "rejected", "viewed")


def requests_key(user_id: int) -> str:
    return f"c:rq:{user_id}"


class CachedConnectionRequests:
    """Satisfies `RequestReads`; pages past `max_offset` are read from Neo4j only."""

    def __init__(self, inner: RequestReads, users: RowReads, store: CacheStore, max_offset: int):
        self.inner = inner
        self.store = store
        self.rows = UserRows(users, store)
        self.max_offset = max_offset

    def count_sent_requests(self, user_id: int) -> int:
        # The pending-request cap (docs/limits-and-abuse.md) decides a write: always from Neo4j.
        return self.inner.count_sent_requests(user_id)

    def list_connection_requests(
        self, user_id: int, direction: str, offset: int, limit: int
    ) -> tuple[int, list[dict]]:
        if offset + limit > self.max_offset:
            count("requests", "deep")
            return self.inner.list_connection_requests(user_id, direction, offset, limit)
        field = f"{direction}:{offset}:{limit}"
        try:
            found = self.store.lookup([(requests_key(user_id), field)])
            hit, value = found.entry(0)
            if hit:
                total, items = value
                ids = list(dict.fromkeys(i for it in items for i in (it["from"], it["to"])))
                objects = self.store.lookup(self.rows.keys(ids, user_id))
        except CacheDown:
            count("requests", "skipped")
            return self.inner.list_connection_requests(user_id, direction, offset, limit)
        if hit:
            rows, misses = self.rows.assemble(objects, 0, ids, user_id, objects.snapshot)
            users = {row["id"]: row for row in rows}
            if len(users) == len(ids):
                count("requests", "hit" if not misses else "partial")
                return total, [_item(it, users) for it in items]
        count("requests", "miss")
        total, page = self.inner.list_connection_requests(user_id, direction, offset, limit)
        skeleton = [
            {
                **{k: it[k] for k in ("id", *_DATES)},
                "from": it["from_user"]["id"],
                "to": it["to_user"]["id"],
            }
            for it in page
        ]
        rows = list({r["id"]: r for it in page for r in (it["from_user"], it["to_user"])}.values())
        fills = [
            Fill(requests_key(user_id), (user_id,), [total, skeleton], self.store.ttl, field),
            *row_fills(self.store, rows, user_id),
        ]
        self.store.fill(found.snapshot, fills)
        return total, page


def _item(skeleton: dict, users: dict[int, dict]) -> dict:
    item = revive({k: skeleton[k] for k in ("id", *_DATES)}, _DATES)
    item["from_user"] = dict(users[skeleton["from"]])
    item["to_user"] = dict(users[skeleton["to"]])
    return item

"""`UserReads` through the cache: the viewer's record, one user, pair states."""

from __future__ import annotations

from service.cache.client import CacheDown
from service.cache.objects import RowReads, UserRows
from service.cache.store import CacheStore, Fill, count, revive
from service.graph.errors import UserNotFound

_REQUEST_DATES = ("created_at", "rejected", "viewed")


def viewer_key(user_id: int) -> str:
    return f"c:vw:{user_id}"


def facts_key(viewer_id: int, user_id: int) -> str:
    return f"c:pf:{viewer_id}:{user_id}"


class CachedUsers:
    """Satisfies `UserReads` (domain/ports.py) over the graph's `Users`."""

    def __init__(self, inner: RowReads, store: CacheStore):
        self.inner = inner
        self.store = store
        self.rows = UserRows(inner, store)

    def find_viewer(self, user_id: int) -> dict | None:
        """`{"is_staff"}` for an active user, else None (a miss is cached too)."""
        try:
            found = self.store.lookup([(viewer_key(user_id), "")])
        except CacheDown:
            count("viewer", "skipped")
            return self.inner.find_viewer(user_id)
        hit, value = found.entry(0)
        if hit:
            count("viewer", "hit")
            return value
        count("viewer", "miss")
        value = self.inner.find_viewer(user_id)
        self.store.fill(
            found.snapshot, [Fill(viewer_key(user_id), (user_id,), value, self.store.ttl)]
        )
        return value

    def find_user(self, user_id: int, viewer_id: int | None) -> dict:
        """The active user's row as the viewer sees it; UserNotFound otherwise."""
        ids = [user_id]
        try:
            found = self.store.lookup(self.rows.keys(ids, viewer_id))
        except CacheDown:
            count("user", "skipped")
            return self.inner.find_user(user_id, viewer_id)
        rows, misses = self.rows.assemble(found, 0, ids, viewer_id, found.snapshot)
        count("user", "miss" if misses else "hit")
        if not rows or rows[0].get("status") != "a":
            raise UserNotFound(user_id)
        return rows[0]

    def read_pair_states(self, viewer_id: int, ids: list[int]) -> dict[int, dict]:
        """`{id: facts}` between the viewer and each id that is a user (see graph/users.py)."""
        wanted = list(dict.fromkeys(ids))
        try:
            found = self.store.lookup([(facts_key(viewer_id, i), "") for i in wanted])
        except CacheDown:
            count("pair", "skipped")
            return self.inner.read_pair_states(viewer_id, ids)
        states: dict[int, dict] = {}
        missing = []
        for index, uid in enumerate(wanted):
            hit, facts = found.entry(index)
            if not hit:
                missing.append(uid)
            elif facts is not None:
                states[uid] = _revive_facts(facts)
        count("pair", "miss" if missing else "hit")
        if missing:
            fresh = self.inner.read_pair_states(viewer_id, missing)
            self.store.fill(
                found.snapshot,
                [
                    Fill(facts_key(viewer_id, i), (viewer_id, i), fresh.get(i), self.store.ttl)
                    for i in missing
                ],
            )
            states.update(fresh)
        return {uid: states[uid] for uid in wanted if uid in states}


def _revive_facts(facts: dict) -> dict:
    for side in ("sent", "received"):
        if facts.get(side) is not None:
            revive(facts[side], _REQUEST_DATES)
    return revive(facts, ("changed_at",))

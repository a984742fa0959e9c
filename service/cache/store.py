"""Entries in Redis: the key scheme, the versions that keep them exact, fills and invalidations.

Every entry is stored as `epoch|id:version,...|payload`: the cache's epoch and the version of
each user the payload depends on, as they were when it was filled. A read fetches the current
epoch and versions in the same round trip and takes an entry only when they all still match;
a write increments the versions of the users it touched (`invalidate_users`), so every entry
that depended on them, whatever its key, reads as a miss from then on. A bulk load rotates the
epoch instead (every entry at once).

The classic race (a reader reads Neo4j before a commit and fills after the invalidation) is
closed by the write counter `c:w`, which every invalidation increments: a reader notes it
before reading Neo4j, and the fill script writes nothing if it moved meanwhile (or if the epoch
did), so a fill can only stamp the versions that were current when Neo4j was read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import redis

from service.cache.client import EPOCH_KEY, CacheClient, CacheDown, new_epoch
from service.cache.deferral import defer
from service.cache.near import Stamp
from service.observability import metrics

WRITES_KEY = "c:w"
VERSION_PREFIX = "c:v:"
_SCRIPT_KEYS = [EPOCH_KEY, WRITES_KEY, VERSION_PREFIX]

# Per user: the entries a write on that user deletes outright (the versions already make them
# misses; deleting frees their memory at once). Pair entries (`c:ps:`, `c:pf:`) are keyed by
# two users and left to expire.
USER_KEYS = ("c:uj:{}", "c:vw:{}", "c:cl:{}", "c:rq:{}", "c:sg:{}")

# The scripts that check and write entries inside Redis, one file each under lua/ (as the
# Cypher queries live in cypher/): a lookup is one round trip whatever it reads. `lookup` and
# `page` run after `current`, the entry check they share.
LUA_DIR = Path(__file__).parent / "lua"


def lua(name: str) -> str:
    """The script `name`, after the shared entry check for the lookups."""
    text = (LUA_DIR / f"{name}.lua").read_text()
    return text if name == "fill" else (LUA_DIR / "current.lua").read_text() + text


@dataclass(frozen=True)
class Snapshot:
    """The epoch and the write counter as a lookup found them (before any Neo4j read)."""

    epoch: bytes
    writes: bytes


@dataclass(frozen=True)
class Fill:
    """One entry to write after a miss: `key` (and `field` of that hash), its deps, payload
    (JSON-encoded unless it is bytes already)."""

    key: str
    deps: Sequence[int]
    payload: Any
    ttl: int
    field: str = ""


@dataclass(frozen=True)
class Lookup:
    """What one round trip found: the snapshot, and each asked entry's payload when it is
    current (its epoch and versions checked inside Redis), else None."""

    snapshot: Snapshot
    raw: list[bytes | None]

    def entry(self, index: int) -> tuple[bool, Any]:
        """`(True, payload)` when entry `index` is current, else `(False, None)`."""
        raw = self.raw[index]
        if raw is None:
            return False, None
        return True, orjson.loads(raw)


@dataclass(frozen=True)
class PageLookup:
    """A list page and its users from one round trip: the page's payload (None: not current),
    each listed user's object and each of the viewer's statuses (payloads or None); `deps`
    and `versions`: what they were checked against (`stamp`)."""

    snapshot: Snapshot
    page: bytes | None
    objects: list[bytes | None]
    statuses: list[bytes | None]
    deps: tuple[tuple[str, bytes], ...] = ()
    versions: tuple[bytes | None, ...] = ()

    def stamp(self, ids: Sequence[int], viewer_id: int | None) -> Stamp:
        """The epoch and versions this whole page (listing `ids` for `viewer_id`) was found
        current with: its own deps, each listed user's, then the viewer's (statuses)."""
        keys = [key for key, _ in self.deps] + [version_key(i) for i in ids]
        if viewer_id is not None:
            keys.append(version_key(viewer_id))
        versions = [version for _, version in self.deps] + [v or b"0" for v in self.versions]
        if len(keys) != len(versions):
            raise ValueError("the page script returned a version per listed user and viewer")
        return Stamp(self.snapshot.epoch, tuple(keys), tuple(versions))


def stamped_deps(entry: bytes) -> tuple[tuple[str, bytes], ...]:
    """The version keys and versions an entry (`epoch|id:version,...|payload`) was filled with."""
    deps = entry.split(b"|", 2)[1]
    pairs = (dep.split(b":") for dep in deps.split(b",") if dep)
    return tuple((version_key(int(uid)), version) for uid, version in pairs)


def payloads(entries: list[bytes | None]) -> list[bytes | None]:
    """The payloads of entries as the scripts return them (`epoch|deps|payload`, or None)."""
    return [None if e is None else e[e.index(b"|", e.index(b"|") + 1) + 1 :] for e in entries]


def count(kind: str, outcome: str) -> None:
    """One lookup of `kind` (user, page, ...): hit, miss or skipped (the cache was down)."""
    metrics.labelled(metrics.CACHE_REQUESTS, kind, outcome).inc()


def version_key(user_id: int) -> str:
    return f"{VERSION_PREFIX}{user_id}"


class CacheStore:
    """Lookups, fills and invalidations over one CacheClient (all of them one round trip)."""

    def __init__(self, client: CacheClient, ttl: int = 3600):
        self.client = client
        self.ttl = ttl
        self._lookup = client.base.register_script(lua("lookup"))
        self._page = client.base.register_script(lua("page"))
        self._fill = client.base.register_script(lua("fill"))

    def lookup(self, keys: Sequence[tuple[str, str]]) -> Lookup:
        """Entries (`(key, field)`, field '' for a plain key), each checked against the
        current epoch and versions inside Redis: one round trip. CacheDown when the cache
        cannot be used."""
        args = [new_epoch()]
        for key, field in keys:
            args += [key, field]
        results = self.client.run(lambda r: self._lookup(keys=_SCRIPT_KEYS, args=args, client=r))
        return Lookup(Snapshot(results[0], results[1]), payloads(results[2:]))

    def page(
        self, key: str, field: str, object_prefix: str, status_prefix: str, viewer_id: int | None
    ) -> PageLookup:
        """A list page (`key`, `field`) and, when it is current, its users' objects
        (`object_prefix` + id) and the viewer's statuses (`status_prefix` + id, '' for none):
        one round trip."""
        args = [new_epoch(), key, field, object_prefix, status_prefix, viewer_id or ""]
        results = self.client.run(lambda r: self._page(keys=_SCRIPT_KEYS, args=args, client=r))
        snapshot = Snapshot(results[0], results[1])
        if results[2] is None:
            return PageLookup(snapshot, None, [], [])
        page = payloads([results[2]])[0]
        return PageLookup(
            snapshot,
            page,
            payloads(results[3]),
            payloads(results[4]),
            stamped_deps(results[2]),
            tuple(results[5]),
        )

    def still_current(self, stamp: Stamp) -> bool:
        """Whether nothing `stamp` depends on changed (one MGET; CacheDown when Redis cannot
        say, and then a kept value must not be used)."""
        current = self.client.run(lambda r: r.execute_command("MGET", EPOCH_KEY, *stamp.keys))
        return stamp.matches(current)

    def fill(self, snapshot: Snapshot, fills: Sequence[Fill]) -> None:
        """Write `fills` unless a write (or a new epoch) landed since `snapshot` was taken:
        encoded now (the rows are the caller's to change next), written in one round trip
        once the response has been sent (deferral.py)."""
        if not fills:
            return
        args: list[Any] = [snapshot.epoch, snapshot.writes]
        for item in fills:
            args += [
                item.key,
                item.field,
                item.ttl,
                ",".join(str(i) for i in dict.fromkeys(item.deps)),
                item.payload
                if isinstance(item.payload, bytes)
                else orjson.dumps(item.payload, default=_encode),
            ]
        defer(lambda: self._write(args))

    def _write(self, args: list[Any]) -> None:
        try:
            written = self.client.run(lambda r: self._fill(keys=_SCRIPT_KEYS, args=args, client=r))
        except CacheDown:
            return  # a fill is only ever an optimisation
        metrics.CACHE_FILLS.labels("filled" if written >= 0 else "refused").inc()

    def invalidate_users(self, ids: Iterable[int]) -> None:
        """After a write committed: every entry depending on these users becomes a miss."""
        wanted = sorted(set(ids))
        if not wanted:
            return

        def work(r: redis.Redis) -> None:
            pipe = r.pipeline(transaction=True)
            for user_id in wanted:
                pipe.incr(version_key(user_id))
            pipe.delete(*[key.format(user_id) for user_id in wanted for key in USER_KEYS])
            pipe.incr(WRITES_KEY)
            pipe.execute()

        self.client.run(work)
        metrics.CACHE_INVALIDATIONS.labels("user").inc(len(wanted))


def _encode(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot cache a {type(value).__name__}")


def revive(item: dict, names: Iterable[str], parse=dt.datetime.fromisoformat) -> dict:
    """`item` with the ISO strings under `names` turned back into datetimes (or dates)."""
    for name in names:
        value = item.get(name)
        if isinstance(value, str):
            item[name] = parse(value)
    return item

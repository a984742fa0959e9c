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
from typing import Any

import orjson
import redis

from service.cache.client import EPOCH_KEY, CacheClient, CacheDown, new_epoch
from service.observability import metrics

WRITES_KEY = "c:w"
VERSION_PREFIX = "c:v:"

# Per user: the entries a write on that user deletes outright (the versions already make them
# misses; deleting frees their memory at once). Pair entries (`c:ps:`, `c:pf:`) are keyed by
# two users and left to expire.
USER_KEYS = ("c:u:{}", "c:vw:{}", "c:cl:{}", "c:rq:{}", "c:sg:{}")

# KEYS: none (a single Redis; docs/cache.md). ARGV: epoch, write counter (as read before the
# miss read Neo4j), then per entry: key, hash field ('' for a plain key), ttl, deps (ids
# joined by ','), payload. Nothing is written unless both are unchanged.
_FILL = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[2] then return -1 end
local n = 0
for i = 3, #ARGV, 5 do
  local parts = {}
  for id in string.gmatch(ARGV[i + 3], '[^,]+') do
    parts[#parts + 1] = id .. ':' .. (redis.call('GET', KEYS[3] .. id) or '0')
  end
  local value = ARGV[1] .. '|' .. table.concat(parts, ',') .. '|' .. ARGV[i + 4]
  if ARGV[i + 1] == '' then
    redis.call('SET', ARGV[i], value, 'EX', ARGV[i + 2])
  else
    redis.call('HSET', ARGV[i], ARGV[i + 1], value)
    redis.call('EXPIRE', ARGV[i], ARGV[i + 2])
  end
  n = n + 1
end
return n
"""


@dataclass(frozen=True)
class Snapshot:
    """The epoch and the write counter as a lookup found them (before any Neo4j read)."""

    epoch: bytes
    writes: bytes


@dataclass(frozen=True)
class Fill:
    """One entry to write after a miss: `key` (and `field` of that hash), its deps, payload."""

    key: str
    deps: Sequence[int]
    payload: Any
    ttl: int
    field: str = ""


@dataclass(frozen=True)
class Lookup:
    """What one round trip found: the snapshot, each asked entry (raw), each asked version."""

    snapshot: Snapshot
    raw: list[bytes | None]
    versions: dict[int, int]

    def entry(self, index: int) -> tuple[bool, Any]:
        """`(True, payload)` when entry `index` is current, else `(False, None)`."""
        raw = self.raw[index]
        if raw is None:
            return False, None
        epoch, deps, payload = raw.split(b"|", 2)
        if epoch != self.snapshot.epoch:
            return False, None
        for part in deps.split(b",") if deps else ():
            user_id, version = part.split(b":")
            current = self.versions.get(int(user_id))
            if current is None or current != int(version):
                return False, None
        return True, orjson.loads(payload)

    def deps(self, index: int) -> list[int]:
        """The user ids entry `index` depends on (to fetch their versions next)."""
        raw = self.raw[index]
        if raw is None:
            return []
        deps = raw.split(b"|", 2)[1]
        return [int(part.split(b":")[0]) for part in deps.split(b",")] if deps else []


def count(kind: str, outcome: str) -> None:
    """One lookup of `kind` (user, page, ...): hit, miss or skipped (the cache was down)."""
    metrics.CACHE_REQUESTS.labels(kind, outcome).inc()


def version_key(user_id: int) -> str:
    return f"{VERSION_PREFIX}{user_id}"


class CacheStore:
    """Lookups, fills and invalidations over one CacheClient (all of them one round trip)."""

    def __init__(self, client: CacheClient, ttl: int = 3600):
        self.client = client
        self.ttl = ttl
        self._fill = client.redis.register_script(_FILL)

    def lookup(self, keys: Sequence[tuple[str, str]], version_ids: Iterable[int] = ()) -> Lookup:
        """Entries (`(key, field)`, field '' for a plain key) and versions, one round trip.

        Creates the epoch when there is none (a fresh or restarted Redis). CacheDown when the
        cache cannot be used."""
        ids = list(dict.fromkeys(version_ids))

        def work(r: redis.Redis) -> list:
            pipe = r.pipeline(transaction=False)
            pipe.set(EPOCH_KEY, new_epoch(), nx=True)
            pipe.get(EPOCH_KEY)
            pipe.get(WRITES_KEY)
            for key, field in keys:
                if field:
                    pipe.hget(key, field)
                else:
                    pipe.get(key)
            for user_id in ids:
                pipe.get(version_key(user_id))
            return pipe.execute()

        results = self.client.run(work)
        snapshot = Snapshot(results[1], results[2] or b"0")
        raw = results[3 : 3 + len(keys)]
        versions = {
            user_id: int(value or 0)
            for user_id, value in zip(ids, results[3 + len(keys) :], strict=True)
        }
        return Lookup(snapshot, raw, versions)

    def versions(self, ids: Iterable[int]) -> dict[int, int]:
        """The current versions of `ids` (one round trip)."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        values = self.client.run(lambda r: r.mget([version_key(i) for i in wanted]))
        return {i: int(v or 0) for i, v in zip(wanted, values, strict=True)}

    def fill(self, snapshot: Snapshot, fills: Sequence[Fill]) -> bool:
        """Write `fills` unless a write (or a new epoch) landed since `snapshot` was taken."""
        if not fills:
            return True
        args: list[Any] = [snapshot.epoch, snapshot.writes]
        for item in fills:
            args += [
                item.key,
                item.field,
                item.ttl,
                ",".join(str(i) for i in dict.fromkeys(item.deps)),
                orjson.dumps(item.payload, default=_encode),
            ]
        try:
            written = self.client.run(
                lambda r: self._fill(
                    keys=[EPOCH_KEY, WRITES_KEY, VERSION_PREFIX], args=args, client=r
                )
            )
        except CacheDown:
            return False  # a fill is only ever an optimisation
        metrics.CACHE_FILLS.labels("filled" if written >= 0 else "refused").inc()
        return written >= 0

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

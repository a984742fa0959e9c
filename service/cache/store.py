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
from service.cache.deferral import defer
from service.observability import metrics

WRITES_KEY = "c:w"
VERSION_PREFIX = "c:v:"
_SCRIPT_KEYS = [EPOCH_KEY, WRITES_KEY, VERSION_PREFIX]

# Per user: the entries a write on that user deletes outright (the versions already make them
# misses; deleting frees their memory at once). Pair entries (`c:ps:`, `c:pf:`) are keyed by
# two users and left to expire.
USER_KEYS = ("c:uj:{}", "c:vw:{}", "c:cl:{}", "c:rq:{}", "c:sg:{}")

# The entry format, checked inside Redis so that a lookup is one round trip whatever it reads:
# `current(raw)` is the payload of an entry whose epoch and every dependency's version still
# match, else false. KEYS: the epoch, the write counter, the version prefix. ARGV[1]: an epoch
# to create when there is none (a fresh or restarted Redis).
_CURRENT = """
redis.call('SET', KEYS[1], ARGV[1], 'NX')
local epoch = redis.call('GET', KEYS[1])
local writes = redis.call('GET', KEYS[2]) or '0'
local function current(raw)
  if not raw then return false end
  local bar = string.find(raw, '|', 1, true)
  if string.sub(raw, 1, bar - 1) ~= epoch then return false end
  local second = string.find(raw, '|', bar + 1, true)
  for id, version in string.gmatch(string.sub(raw, bar + 1, second - 1), '(%d+):(%d+)') do
    if (redis.call('GET', KEYS[3] .. id) or '0') ~= version then return false end
  end
  return string.sub(raw, second + 1)
end
local function read(key, field)
  if field == '' then return current(redis.call('GET', key)) end
  return current(redis.call('HGET', key, field))
end
"""

# ARGV after the epoch: key, hash field ('' for a plain key), for each entry. Returns the
# epoch, the write counter, then each entry's payload or nil.
_LOOKUP = (
    _CURRENT
    + """
local out = {epoch, writes}
for i = 2, #ARGV, 2 do out[#out + 1] = read(ARGV[i], ARGV[i + 1]) end
return out
"""
)

# A list page and the users it lists, in one round trip. ARGV after the epoch: the list's key
# and field, the object key prefix, the status key prefix ('' when the viewer has none) and the
# viewer's id. The page's payload is `[count,[id,...]]`: its numbers, after the first, are the
# ids. Returns the epoch, the write counter, the page or nil, then (a current page only) each
# id's object and each status (none for the viewer themselves), payload or nil.
_PAGE = (
    _CURRENT
    + """
local page = read(ARGV[2], ARGV[3])
if not page then return {epoch, writes, false} end
local objects, statuses, first = {}, {}, true
for id in string.gmatch(page, '%d+') do
  if first then
    first = false
  else
    objects[#objects + 1] = read(ARGV[4] .. id, '')
    if ARGV[5] ~= '' and id ~= ARGV[6] then
      statuses[#statuses + 1] = read(ARGV[5] .. id, '')
    end
  end
end
return {epoch, writes, page, objects, statuses}
"""
)

# ARGV: epoch, write counter (as read before the miss read Neo4j), then per entry: key, hash
# field ('' for a plain key), ttl, deps (ids joined by ','), payload. Nothing is written unless
# both are unchanged.
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
    each listed user's object and each of the viewer's statuses (payloads or None)."""

    snapshot: Snapshot
    page: bytes | None
    objects: list[bytes | None]
    statuses: list[bytes | None]


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
        self._lookup = client.redis.register_script(_LOOKUP)
        self._page = client.redis.register_script(_PAGE)
        self._fill = client.redis.register_script(_FILL)

    def lookup(self, keys: Sequence[tuple[str, str]]) -> Lookup:
        """Entries (`(key, field)`, field '' for a plain key), each checked against the
        current epoch and versions inside Redis: one round trip. CacheDown when the cache
        cannot be used."""
        args = [new_epoch()]
        for key, field in keys:
            args += [key, field]
        results = self.client.run(lambda r: self._lookup(keys=_SCRIPT_KEYS, args=args, client=r))
        return Lookup(Snapshot(results[0], results[1]), results[2:])

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
        return PageLookup(snapshot, results[2], results[3], results[4])

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

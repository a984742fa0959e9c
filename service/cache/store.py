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
from service.cache.near import Stamp
from service.observability import metrics

WRITES_KEY = "c:w"
VERSION_PREFIX = "c:v:"
_SCRIPT_KEYS = [EPOCH_KEY, WRITES_KEY, VERSION_PREFIX]

# Per user: the entries a write on that user deletes outright (the versions already make them
# misses; deleting frees their memory at once). Pair entries (`c:ps:`, `c:pf:`) are keyed by
# two users and left to expire.
USER_KEYS = ("c:uj:{}", "c:vw:{}", "c:cl:{}", "c:rq:{}", "c:sg:{}")

# The entry format, checked inside Redis so that a lookup is one round trip whatever it reads:
# `current(raws)` is, for each entry as read (false when absent), the entry when its epoch
# and every dependency's version still match, else false; the versions of all of them are
# read in one MGET (a few calls per lookup, not one per entry). Entries leave the script as
# they are stored, stamp and all: Python cuts the stamp off (`payload_of`), which costs Redis
# less than a copy of every payload inside Lua. KEYS: the epoch, the write
# counter, the version prefix. ARGV[1]: an epoch to create when there is none (a fresh or
# restarted Redis).
_CURRENT = """
redis.call('SET', KEYS[1], ARGV[1], 'NX')
local epoch = redis.call('GET', KEYS[1])
local writes = redis.call('GET', KEYS[2]) or '0'
local function mget(keys)
  local values = {}
  for i = 1, #keys, 500 do
    local part = redis.call('MGET', unpack(keys, i, math.min(i + 499, #keys)))
    for j = 1, #part do values[#values + 1] = part[j] end
  end
  return values
end
local function current(raws)
  local entries, wanted, seen = {}, {}, {}
  for i = 1, #raws do
    local raw, entry = raws[i], false
    if raw then
      local bar = string.find(raw, '|', 1, true)
      if string.sub(raw, 1, bar - 1) == epoch then
        local second = string.find(raw, '|', bar + 1, true)
        local deps = {}
        for id, version in string.gmatch(string.sub(raw, bar + 1, second - 1), '(%d+):(%d+)') do
          deps[#deps + 1] = id
          deps[#deps + 1] = version
          if not seen[id] then
            seen[id] = #wanted + 1
            wanted[#wanted + 1] = KEYS[3] .. id
          end
        end
        entry = deps
      end
    end
    entries[i] = entry
  end
  local versions = mget(wanted)
  local out = {}
  for i = 1, #raws do
    local entry = entries[i]
    if entry then
      local deps = entry
      for j = 1, #deps, 2 do
        if (versions[seen[deps[j]]] or '0') ~= deps[j + 1] then
          entry = false
          break
        end
      end
    end
    out[i] = entry and raws[i]
  end
  return out
end
"""

# ARGV after the epoch: key, hash field ('' for a plain key), for each entry. Returns the
# epoch, the write counter, then each entry's payload or nil.
_LOOKUP = (
    _CURRENT
    + """
local raws, plain, at = {}, {}, {}
for i = 2, #ARGV, 2 do
  local n = i / 2
  if ARGV[i + 1] == '' then
    plain[#plain + 1] = ARGV[i]
    at[#plain] = n
  else
    raws[n] = redis.call('HGET', ARGV[i], ARGV[i + 1])
  end
end
local values = mget(plain)
for j = 1, #plain do raws[at[j]] = values[j] end
local out = {epoch, writes}
for _, payload in ipairs(current(raws)) do out[#out + 1] = payload end
return out
"""
)

# A list page and the users it lists, in one round trip. ARGV after the epoch: the list's key
# and field, the object key prefix, the status key prefix ('' when the viewer has none) and the
# viewer's id. The page's payload is `[count,[id,...]]`: its numbers, after the first, are the
# ids. An object depends on its user, a status on the viewer and the user, in that order (as
# objects.py fills them), so the stamp each must carry is known before it is read: one MGET of
# the versions, one of the objects, one of the statuses, and a prefix compare per entry.
# Returns the epoch, the write counter, the page or nil, then (a current page only) each id's
# object, each status (none for the viewer themselves), payload or nil, and the versions they
# were checked against (each id's, then the viewer's when statuses were asked): the stamp a
# worker keeps the page under (near.py).
_PAGE = (
    _CURRENT
    + """
local page = current({redis.call('HGET', ARGV[2], ARGV[3])})[1]
if not page then return {epoch, writes, false} end
local function stamped(raw, stamp)
  return raw and string.find(raw, stamp, 1, true) == 1 and raw
end
local ids, owners, first = {}, {}, true
for id in string.gmatch(string.sub(page, string.find(page, '|', #epoch + 2, true) + 1), '%d+') do
  if first then
    first = false
  else
    ids[#ids + 1] = id
    owners[#owners + 1] = ARGV[4] .. id
  end
end
local viewer, wanted = ARGV[6], {}
for i = 1, #ids do wanted[i] = KEYS[3] .. ids[i] end
if ARGV[5] ~= '' then wanted[#ids + 1] = KEYS[3] .. viewer end
local versions = mget(wanted)
local objects = mget(owners)
for i = 1, #ids do
  objects[i] = stamped(objects[i], epoch .. '|' .. ids[i] .. ':' .. (versions[i] or '0') .. '|')
end
local statuses = {}
if ARGV[5] ~= '' then
  local own = epoch .. '|' .. viewer .. ':' .. (versions[#ids + 1] or '0') .. ','
  local shown, stamps = {}, {}
  for i = 1, #ids do
    if ids[i] ~= viewer then
      shown[#shown + 1] = ARGV[5] .. ids[i]
      stamps[#stamps + 1] = own .. ids[i] .. ':' .. (versions[i] or '0') .. '|'
    end
  end
  statuses = mget(shown)
  for i = 1, #stamps do statuses[i] = stamped(statuses[i], stamps[i]) end
end
return {epoch, writes, page, objects, statuses, versions}
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
        self._lookup = client.base.register_script(_LOOKUP)
        self._page = client.base.register_script(_PAGE)
        self._fill = client.base.register_script(_FILL)

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

"""A worker's own copy of the pages it served from Redis, checked with Redis before each use.

A list page that one round trip found current in Redis (store.page: the list, every listed
user's object, the viewer's statuses) is kept in this process with the stamp it was checked
against: the epoch, and the version of every user it depends on. Serving it again costs one
MGET of those versions (a few microseconds of Redis) instead of the page script and the
decoding of twenty objects. When the epoch and every version still match, nothing the page
depends on was written since: a write increments its users' versions before its response is
sent (store.invalidate_users), and a bulk load or a lost invalidation changes the epoch. So a
kept page is served exactly when Redis would have assembled the same one, on every worker and
node, and never while Redis cannot be asked (the caller reads Neo4j then). Any mismatch drops
the page. Bounded in bytes (CACHE_NEAR_MB per worker), least recently used out first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from service.observability import metrics

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a kept value was checked against in Redis: the epoch, and `versions[i]` of the
    version key `keys[i]` (b"0" for a user never written)."""

    epoch: bytes
    keys: tuple[str, ...]
    versions: tuple[bytes, ...]

    def matches(self, current: list[bytes | None]) -> bool:
        """Whether `current` (the epoch, then each key's version, as one MGET read them)
        is still this stamp."""
        if current[0] != self.epoch:
            return False
        return all(
            (now or b"0") == then for now, then in zip(current[1:], self.versions, strict=True)
        )


@dataclass(frozen=True, slots=True)
class _Kept(Generic[V]):
    stamp: Stamp
    value: V
    size: int


class NearCache(Generic[V]):
    """Values by key with their stamps, at most `max_bytes` of them (as `put`'s sizes say);
    thread-safe (a gthread worker serves several requests at once)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._kept: OrderedDict[Hashable, _Kept[V]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: Hashable) -> tuple[Stamp, V] | None:
        """The value kept under `key` and its stamp (to check before use), or None."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                return None
            self._kept.move_to_end(key)
        return kept.stamp, kept.value

    def put(self, key: Hashable, stamp: Stamp, value: V, size: int) -> None:
        """Keep `value` (about `size` bytes) under `key`, dropping the least recently used
        values beyond the bound; a value larger than the whole bound is not kept."""
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self._kept[key] = _Kept(stamp, value, size)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, dropped = self._kept.popitem(last=False)
                self.bytes -= dropped.size
                metrics.CACHE_NEAR.labels("evicted").inc()
        metrics.CACHE_NEAR_BYTES.set(self.bytes)

    def drop(self, key: Hashable, stamp: Stamp) -> None:
        """Forget `key` if it still holds the value stamped `stamp` (its check failed)."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept.stamp is stamp:
                del self._kept[key]
                self.bytes -= kept.size
        metrics.CACHE_NEAR_BYTES.set(self.bytes)

"""The Redis connection the cache uses, behind a breaker: a dead cache costs one short timeout.

A call that fails (refused, timed out, any Redis error) opens the breaker: for `retry_seconds`
every cache call is skipped at once (reads go to Neo4j) and then one call tries again. A
write whose invalidation could not be delivered marks the client dirty: before the cache is
used again the epoch is rotated, so nothing filled before the lost invalidation is served.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from service.observability import metrics

log = logging.getLogger(__name__)

T = TypeVar("T")

EPOCH_KEY = "c:epoch"


class CacheDown(Exception):
    """The cache could not be used for this call (unreachable, slow, or its breaker is open)."""


def new_epoch() -> str:
    """A token no earlier epoch of this cache had (random: a restarted Redis forgets them all)."""
    return secrets.token_hex(8)


class CacheClient:
    """One connection pool per process, a client with a connection of its own per thread,
    and the breaker over them."""

    def __init__(
        self,
        url: str,
        timeout: float = 0.05,
        retry_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.pool = redis.ConnectionPool.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            # No retries: a second attempt on a dead server doubles the wait it costs.
            retry=Retry(NoBackoff(), 0),
            retry_on_error=[],
            health_check_interval=0,
        )
        self.base = Redis(connection_pool=self.pool)  # scripts register on it
        self._local = threading.local()
        # Weak: a finished thread's client closes, and its connection goes back to the pool.
        self._clients: weakref.WeakSet[Redis] = weakref.WeakSet()
        self.retry_seconds = retry_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._down = False
        self._dirty = False
        self.reason = ""
        metrics.CACHE_UP.set(1)

    @property
    def redis(self) -> Redis:
        """This thread's client. It keeps one connection of the pool: a call through the
        pool's checkout and return costs redis-py ~50 us more than the call itself. A
        RedisError here (connecting) is the caller's call failing."""
        client = getattr(self._local, "client", None)
        if client is None:
            try:
                client = Redis(connection_pool=self.pool, single_connection_client=True)
            except redis.RedisError:
                # It connects at once: unreachable, this call fails through the pool (and
                # opens the breaker); a later one makes the thread's client.
                return self.base
            with self._lock:
                self._clients.add(client)
            self._local.client = client
        connection = client.connection
        if connection is not None:
            # Readable while idle: closed by the server (a restart) or left with a reply. The
            # pool checks this on every checkout; reconnect, as it does, before sending.
            try:
                if connection.can_read():
                    connection.disconnect()
            except (redis.ConnectionError, OSError):
                connection.disconnect()
        return client

    @property
    def state(self) -> str:
        """`up`, `down` (calls skipped until the retry time) or `dirty` (down, and an
        invalidation was lost: the epoch is rotated before the next use)."""
        if self._dirty:
            return "dirty"
        return "down" if self._down else "up"

    def run(self, work: Callable[[Redis], T]) -> T:
        """`work(redis)`, or CacheDown at once while the breaker is open or when it fails."""
        if self._down:
            if self.clock() < self._down_until:
                raise CacheDown(self.reason)
            with self._lock:
                # One caller tries; the others keep skipping until it has answered.
                if self.clock() < self._down_until:
                    raise CacheDown(self.reason)
                self._down_until = self.clock() + self.retry_seconds
        try:
            if self._dirty:
                self._rotate_epoch()
            result = work(self.redis)
        except redis.RedisError as exc:
            self._fail(exc)
            raise CacheDown(str(exc)) from None
        if self._down:
            self._down = False
            metrics.CACHE_UP.set(1)
            log.info("cache: Redis answers again; using it")
        return result

    def lost_invalidation(self) -> None:
        """An invalidation did not reach Redis: rotate the epoch before trusting it again."""
        with self._lock:
            self._dirty = True
        metrics.CACHE_ERRORS.labels("lost_invalidation").inc()

    def rotate_epoch(self) -> None:
        """A new epoch: every entry filled before it is a miss from now on (bulk loads)."""
        self.run(set_epoch)

    def _rotate_epoch(self) -> None:
        set_epoch(self.redis)
        with self._lock:
            self._dirty = False
        log.warning("cache: an invalidation was lost while Redis was unreachable; new epoch")

    def _fail(self, exc: Exception) -> None:
        metrics.CACHE_ERRORS.labels(type(exc).__name__).inc()
        with self._lock:
            self.reason = f"{type(exc).__name__}: {exc}"
            self._down_until = self.clock() + self.retry_seconds
            if not self._down:
                self._down = True
                metrics.CACHE_UP.set(0)
                log.warning("cache: Redis failed (%s); reading from Neo4j", self.reason)

    def ping(self) -> bool:
        """Whether Redis answers now (readiness reports it; the service stays ready without)."""
        try:
            return bool(self.run(lambda r: r.ping()))
        except CacheDown:
            return False

    def close(self) -> None:
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            client.close()
        self.pool.disconnect()


def set_epoch(r: redis.Redis) -> None:
    """Start a new epoch (every entry of the old one reads as a miss)."""
    r.set(EPOCH_KEY, new_epoch())
    metrics.CACHE_INVALIDATIONS.labels("epoch").inc()


def describe(client: CacheClient | None) -> dict[str, Any]:
    """What readiness says about the cache."""
    if client is None:
        return {"state": "disabled"}
    client.ping()  # through the breaker: at most one short timeout while Redis is down
    if client.state == "up":
        return {"state": "up"}
    return {"state": client.state, "detail": client.reason}

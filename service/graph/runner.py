"""The transaction runner: sessions, `read`/`write`, breaker, metrics, timeouts, bookmarks, warm-up.

It knows no concept: each DAO (connections, users, ...) holds its own queries and runs them
here, and contributes the calls the warm-up makes. The runner owns the threads it starts.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from neo4j import Driver, GraphDatabase, NotificationMinimumSeverity, unit_of_work
from neo4j.exceptions import (
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from service.graph import cypher
from service.graph.breaker import CircuitBreaker
from service.graph.errors import GraphUnavailable, Neo4jUnreachable, UserNotFound
from service.observability import metrics

log = logging.getLogger(__name__)

# No user has id 0 (ids start at 1): the DAOs' warm-up calls read for it, so they find nothing.
WARM_UP_USER = 0
# A freshly started Neo4j plans (and its JVM compiles) each query once: seconds per query on
# a busy box. The warm-up waits that long; requests keep their short query timeout.
WARM_UP_TIMEOUT = 60.0
# The breaker stays open at most this long for the warm-up after Neo4j answers (issue 13's
# recovery target is 2 s); the hottest queries come first.
WARM_UP_GATE = 2.0
# How long `close` lets in-flight transactions and the runner's threads finish before it
# closes the driver anyway (gunicorn's graceful timeout is longer).
CLOSE_WAIT = 5.0


@dataclass(frozen=True)
class Tuning:
    """Every knob of the graph layer: the runner's timeouts and the DAOs' query bounds."""

    query_timeout: float = 5.0
    # The driver retries managed transactions for 30 s by default; a web request must fail
    # fast with 503 instead of holding its worker that long.
    retry_time: float = 1.0
    # Writes on the same pair queue on the users' locks and a deadlock is retried: give them
    # longer than reads, still well under gunicorn's worker timeout.
    write_retry_time: float = 5.0
    # The suggestion endpoint's bound (api/suggestions_page): at most FRIENDS x FANOUT paths
    # per call; measured against the exact ranking in bench/RESULTS.md (issue 12).
    suggestion_friends: int = 200
    suggestion_fanout: int = 200
    suggestion_seeks: int = 3_000  # index seeks counting big friends' mutuals exactly
    # Deep pages of big users start from a cached index key instead of skipping from an end
    # (api/connection_anchors): one key every `anchor_every` entries, for users with at least
    # `anchor_min` connections, trusted for `anchor_ttl` seconds while count and newest agree.
    anchor_every: int = 1_000
    anchor_min: int = 20_000
    anchor_ttl: float = 300.0
    # Older-half pages of lists this long are read from the oldest end (a second round trip);
    # shorter lists skip from the newest end, which costs less than that round trip.
    oldest_from: int = 1_000


class Transactions(Protocol):
    """What a store needs from the runner: a transaction function run in one transaction."""

    def read(self, work: Callable[..., Any], *args: Any) -> Any: ...

    def write(self, work: Callable[..., Any], *args: Any) -> Any: ...


@dataclass(frozen=True)
class WarmUpCall:
    """One read the warm-up makes; `hot` ones (the load's hot paths) run first."""

    name: str
    call: Callable[[], object]
    hot: bool = False


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _is_timeout(exc: Neo4jError) -> bool:
    code = exc.code or ""
    # LockClientStopped: the transaction timed out (or the database stopped) while it waited
    # for a lock, e.g. a write queued behind others on the same users; a ClientError in 5.x.
    return (
        "TransactionTimedOut" in code
        or code.endswith("Transaction.Terminated")
        or code.endswith("Transaction.LockClientStopped")
    )


def _query_name(work: Callable) -> str:
    """`list_user_connections` for ConnectionPages.list_user_connections's inner `work`."""
    qualname = getattr(work, "__qualname__", "") or getattr(work, "__name__", "query")
    return qualname.split(".<locals>")[0].rsplit(".", 1)[-1]


class Runner:
    """Managed transactions over one driver (one per gunicorn worker), shared by its threads."""

    def __init__(
        self,
        driver: Driver,
        database: str = "neo4j",
        tuning: Tuning | None = None,
        breaker: CircuitBreaker | None = None,
    ):
        self.driver = driver
        self.database = database
        self.tuning = tuning or Tuning()
        self.breaker = breaker or CircuitBreaker()
        # Set in the breaker's probe thread while it recovers: its calls bypass the open
        # breaker and get the warm-up timeout.
        self._recovering = threading.local()
        # Causal consistency: every session of this worker shares one bookmark manager, so a
        # read that follows a write waits until the server it is routed to (a cluster's
        # secondary) has applied that write: a request that writes then reads sees its write.
        self.bookmarks = GraphDatabase.bookmark_manager()
        self._warm_up_calls: list[WarmUpCall] = []
        self._warming: threading.Thread | None = None
        self._starting: threading.Thread | None = None
        # Transactions under way; `close` waits for them before it closes the driver.
        self._in_flight = 0
        self._idle = threading.Condition()
        self._closing = threading.Event()

    @property
    def query_timeout(self) -> float:
        return self.tuning.query_timeout

    def add_warm_up(self, calls: list[WarmUpCall]) -> None:
        """A DAO's contribution to the warm-up (in the order given)."""
        self._warm_up_calls.extend(calls)

    def read(self, work: Callable, *args: Any) -> Any:
        """Run the transaction function `work(tx, *args)` in one managed read transaction."""
        return self._run("execute_read", work, *args)

    def write(self, work: Callable, *args: Any) -> Any:
        """Run the transaction function `work(tx, *args)` in one managed write transaction.

        The domain's unit of work (e.g. `lifecycle.apply_change`); transient errors such as
        deadlocks are retried for up to `write_retry_time` seconds, so `work` must only touch
        the graph through `tx`. Driver failures raise GraphUnavailable; nothing is half-done.
        """
        return self._run("execute_write", work, *args, retry_time=self.tuning.write_retry_time)

    def _session(self, retry_time: float | None = None):
        # Notifications off: e.g. "property key does not exist" for an optional property such
        # as is_staff would otherwise log a warning on every request.
        return self.driver.session(
            database=self.database,
            max_transaction_retry_time=retry_time or self.tuning.retry_time,
            bookmark_manager=self.bookmarks,
            notifications_min_severity=NotificationMinimumSeverity.OFF,
        )

    def _run(
        self, execute: str, work: Callable, *args: Any, retry_time: float | None = None
    ) -> Any:
        # Every transaction passes here: driver failures become GraphUnavailable, the breaker
        # fails fast while Neo4j is unreachable, and each transaction is timed by name.
        if self._closing.is_set():
            raise GraphUnavailable("the graph layer is closed (the worker is exiting)")
        name = _query_name(work)
        recovering = getattr(self._recovering, "on", False)
        probe = False if recovering else self.breaker.before_call()
        timeout = WARM_UP_TIMEOUT if recovering else self.tuning.query_timeout
        timed = unit_of_work(timeout=timeout)(work)
        outcome = "error"
        started = time.perf_counter()
        self._enter()
        try:
            with self._session(retry_time) as session:
                result = getattr(session, execute)(timed, *args)
            outcome = "ok"
            return result
        except (ServiceUnavailable, SessionExpired, TransientError, DriverError) as exc:
            outcome, error = self._failure(exc, timeout, probe)
            raise error from exc
        except Neo4jError as exc:
            if _is_timeout(exc):
                outcome = "timeout"
                raise GraphUnavailable(f"query timed out after {timeout}s") from exc
            raise
        finally:
            self._leave()
            metrics.NEO4J_QUERY_LATENCY.labels(name, outcome).observe(time.perf_counter() - started)
            if outcome != "unavailable":
                # Neo4j answered (a domain error such as UserNotFound included).
                self.breaker.record_success(probe)

    def _failure(self, exc: Exception, timeout: float, probe: bool) -> tuple[str, GraphUnavailable]:
        """`(outcome, error to raise)` for a driver failure; unreachable opens the breaker."""
        if isinstance(exc, Neo4jError) and _is_timeout(exc):
            return "timeout", GraphUnavailable(f"query timed out after {timeout}s")
        if isinstance(exc, TransientError) and "Unavailable" not in (exc.code or ""):
            # e.g. a deadlock still there after the retries: Neo4j itself is up.
            return "transient", GraphUnavailable(f"Neo4j: {_one_line(exc)}")
        # Unreachable, or DatabaseUnavailable while Neo4j starts or recovers.
        reason = _one_line(exc)
        self.breaker.record_failure(probe, reason)
        return "unavailable", Neo4jUnreachable(f"Neo4j is unreachable: {reason}")

    def _enter(self) -> None:
        metrics.NEO4J_IN_USE.inc()
        with self._idle:
            self._in_flight += 1

    def _leave(self) -> None:
        metrics.NEO4J_IN_USE.dec()
        with self._idle:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.notify_all()

    def ping(self) -> bool:
        """Neo4j answers (else GraphUnavailable)."""

        def ping(tx):
            return tx.run(cypher.query("admin/ping")).single()["ok"] == 1

        return self.read(ping)

    def recover(self) -> None:
        """The breaker's background probe: Neo4j answers (else GraphUnavailable), then warm up.

        Returns (and the breaker closes) when the warm-up is done or after WARM_UP_GATE
        seconds, whichever comes first; the rest of the warm-up goes on in the background.
        On a box at load 13 the whole warm-up took 47 s (bench/RESULTS.md): gating on all
        of it kept the service at 503 far longer than letting requests share the compiling.
        """
        self._recovering.on = True
        try:
            self.ping()
        finally:
            self._recovering.on = False
        if self._closing.is_set():
            return
        warming = threading.Thread(target=self._warm_up_quietly, name="warm-up", daemon=True)
        self._warming = warming
        warming.start()
        warming.join(WARM_UP_GATE)

    def start_warm_up(self) -> None:
        """`recover` in a thread of the runner's own, off the request path (a fresh worker)."""
        starting = threading.Thread(target=self._recover_quietly, name="warm-up", daemon=True)
        self._starting = starting
        starting.start()

    def _recover_quietly(self) -> None:
        # Neo4j down: the breaker is open now; its probe warms up once Neo4j answers.
        with contextlib.suppress(GraphUnavailable):
            self.recover()

    def _warm_up_quietly(self) -> None:
        self._recovering.on = True
        try:
            self.warm_up()
        except GraphUnavailable as exc:
            log.warning("warm-up stopped: %s", exc)
        finally:
            self._recovering.on = False

    def warm_up(self) -> dict[str, float]:
        """Run every read the DAOs contributed once, for a user no one is; `{call: seconds}`.

        Plans and caches each query on the server (and warms its JVM), so the requests that
        follow a restart run at full speed instead of each compiling, and timing out, on a
        cold server. Reads only; errors are logged, not raised, except Neo4j being unreachable.
        Each worker starts at a different hot call, so two workers plan different queries at
        once. Stops early when the runner is closing.
        """
        hot = [c for c in self._warm_up_calls if c.hot]
        cold = [c for c in self._warm_up_calls if not c.hot]
        turn = os.getpid() % len(hot) if hot else 0
        timings: dict[str, float] = {}
        for item in hot[turn:] + hot[:turn] + cold:
            if self._closing.is_set():
                break
            started = time.perf_counter()
            try:
                item.call()
            except UserNotFound:
                pass
            except Neo4jUnreachable:
                raise
            except Exception as exc:  # noqa: BLE001 - e.g. a timeout: Neo4j answers, slowly
                log.warning("warm-up %s: %s", item.name, exc)
            timings[item.name] = round(time.perf_counter() - started, 3)
        log.info("warmed up the API's queries in %.2fs", sum(timings.values()))
        return timings

    def close(self, wait: float = CLOSE_WAIT) -> None:
        """Stop the probe and warm-up threads, let in-flight work finish, close the driver.

        A gunicorn worker exiting: closing the driver under a transaction that still uses one
        of its connections fails that transaction (and can raise in the driver's goodbye), so
        the driver is closed only once nothing uses it, or after `wait` seconds.
        """
        deadline = time.monotonic() + wait
        self._closing.set()
        self.breaker.stop(timeout=wait)
        for thread in (self._starting, self._warming):
            if thread is not None and thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
        with self._idle:
            while self._in_flight > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    log.warning("closing the driver under %d transaction(s)", self._in_flight)
                    break
                self._idle.wait(left)
        self.driver.close()

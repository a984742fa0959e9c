"""All Neo4j access: verb-named methods returning plain data; nothing here knows about HTTP."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from neo4j import Driver, GraphDatabase, NotificationMinimumSeverity, unit_of_work
from neo4j.exceptions import (
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from service.graph import cypher
from service.graph import lifecycle as lifecycle_tx
from service.graph.breaker import CircuitBreaker
from service.graph.errors import GraphUnavailable, Neo4jUnreachable, UserNotFound
from service.observability import metrics

log = logging.getLogger(__name__)

# Above any user's possible number of connections (and far below 2**63).
_FAR_OFFSET = 2**40

# The suggestion endpoint's bound (api/suggestions_page): at most FRIENDS x FANOUT paths per
# call; measured against the exact ranking in bench/RESULTS.md (issue 12).
SUGGESTION_FRIENDS = 200
SUGGESTION_FANOUT = 200
SUGGESTION_SEEKS = 3_000  # index seeks counting big friends' mutuals exactly

# Deep pages of big users start from a cached index key instead of skipping from an end
# (api/connection_anchors): one key every ANCHOR_EVERY entries, for users with at least
# ANCHOR_MIN connections, trusted for ANCHOR_TTL seconds while count and newest entry agree.
ANCHOR_EVERY = 1_000
ANCHOR_MIN = 20_000
ANCHOR_TTL = 300.0
# Older-half pages of lists this long are read from the oldest end (a second round trip);
# shorter lists skip from the newest end, which costs less than that round trip.
OLDEST_FROM = 1_000

# The indexes the API's queries rely on: one per `cypher/schema/` file, named like the file.
# While one is not ONLINE the planner would scan instead, so the API answers 503 (readiness).
REQUIRED_INDEXES = tuple(name.removeprefix("schema/") for name in cypher.names("schema/"))

# No user has id 0 (ids start at 1): the warm-up reads for it, so its queries find nothing.
WARM_UP_USER = 0
# A freshly started Neo4j plans (and its JVM compiles) each query once: seconds per query on
# a busy box. The warm-up waits that long; requests keep their short query timeout.
WARM_UP_TIMEOUT = 60.0
# The breaker stays open at most this long for the warm-up after Neo4j answers (issue 13's
# recovery target is 2 s); the hottest queries come first.
WARM_UP_GATE = 2.0

# Properties that are stored for the graph's sake and never serialized as they are.
_INTERNAL_PROPERTIES = ("tags_json", "is_staff")


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


@dataclass(frozen=True)
class _Anchors:
    """Every `every`-th key of one user's list, and what the list looked like then."""

    count: int
    newest: list
    keys: list
    every: int
    taken: float


class Graph:
    """The graph layer over one driver; reads go through managed read transactions."""

    def __init__(
        self,
        driver: Driver,
        database: str = "neo4j",
        query_timeout: float = 5.0,
        retry_time: float = 1.0,
        write_retry_time: float = 5.0,
        suggestion_friends: int = SUGGESTION_FRIENDS,
        suggestion_fanout: int = SUGGESTION_FANOUT,
        suggestion_seeks: int = SUGGESTION_SEEKS,
        anchor_every: int = ANCHOR_EVERY,
        anchor_min: int = ANCHOR_MIN,
        anchor_ttl: float = ANCHOR_TTL,
        oldest_from: int = OLDEST_FROM,
        breaker: CircuitBreaker | None = None,
    ):
        self.driver = driver
        self.database = database
        self.query_timeout = query_timeout
        # The driver retries managed transactions for 30 s by default; a web request must
        # fail fast with 503 instead of holding its worker that long.
        self.retry_time = retry_time
        # Writes on the same pair queue on the users' locks and a deadlock is retried: give
        # them longer than reads, still well under gunicorn's worker timeout.
        self.write_retry_time = write_retry_time
        self.suggestion_friends = suggestion_friends
        self.suggestion_fanout = suggestion_fanout
        self.suggestion_seeks = suggestion_seeks
        self.anchor_every = anchor_every
        self.anchor_min = anchor_min
        self.anchor_ttl = anchor_ttl
        self.oldest_from = oldest_from
        # user id -> _Anchors; per process (one Graph per worker), shared by its threads
        self._anchors: dict[int, _Anchors] = {}
        self.breaker = breaker or CircuitBreaker()
        # Set in the breaker's probe thread while it recovers: its calls bypass the open
        # breaker and get the warm-up timeout.
        self._recovering = threading.local()
        # Causal consistency: every session of this worker shares one bookmark manager, so a
        # read that follows a write waits until the server it is routed to (a cluster's
        # secondary) has applied that write: a request that writes then reads sees its write.
        self.bookmarks = GraphDatabase.bookmark_manager()

    def _session(self, retry_time: float | None = None):
        # Notifications off: e.g. "property key does not exist" for an optional property such
        # as is_staff would otherwise log a warning on every request.
        return self.driver.session(
            database=self.database,
            max_transaction_retry_time=retry_time or self.retry_time,
            bookmark_manager=self.bookmarks,
            notifications_min_severity=NotificationMinimumSeverity.OFF,
        )

    def _read(self, work: Callable, *args: Any) -> Any:
        """Run `work(tx, *args)` in one managed read transaction bounded by the query timeout."""
        return self._run("execute_read", work, *args)

    def _write(self, work: Callable, *args: Any) -> Any:
        """Run `work(tx, *args)` in one managed write transaction bounded by the query timeout."""
        return self._run("execute_write", work, *args)

    def read(self, work: Callable, *args: Any) -> Any:
        """Run the transaction function `work(tx, *args)` in one managed read transaction."""
        return self._read(work, *args)

    def write(self, work: Callable, *args: Any) -> Any:
        """Run the transaction function `work(tx, *args)` in one managed write transaction.

        The domain's unit of work (e.g. `lifecycle.apply_change`); transient errors such as
        deadlocks are retried for up to `write_retry_time` seconds, so `work` must only touch
        the graph through `tx`. Driver failures raise GraphUnavailable; nothing is half-done.
        """
        return self._run("execute_write", work, *args, retry_time=self.write_retry_time)

    def _run(
        self, execute: str, work: Callable, *args: Any, retry_time: float | None = None
    ) -> Any:
        # Every transaction passes here: driver failures become GraphUnavailable, the breaker
        # fails fast while Neo4j is unreachable, and each transaction is timed by name.
        name = _query_name(work)
        recovering = getattr(self._recovering, "on", False)
        probe = False if recovering else self.breaker.before_call()
        timeout = WARM_UP_TIMEOUT if recovering else self.query_timeout
        timed = unit_of_work(timeout=timeout)(work)
        outcome = "error"
        started = time.perf_counter()
        metrics.NEO4J_IN_USE.inc()
        try:
            with self._session(retry_time) as session:
                result = getattr(session, execute)(timed, *args)
            outcome = "ok"
            return result
        except (ServiceUnavailable, SessionExpired, TransientError, DriverError) as exc:
            if isinstance(exc, Neo4jError) and _is_timeout(exc):
                outcome = "timeout"
                raise GraphUnavailable(f"query timed out after {timeout}s") from exc
            if isinstance(exc, TransientError) and "Unavailable" not in (exc.code or ""):
                # e.g. a deadlock still there after the retries: Neo4j itself is up.
                outcome = "transient"
                raise GraphUnavailable(f"Neo4j: {_one_line(exc)}") from exc
            # Unreachable, or DatabaseUnavailable while Neo4j starts or recovers.
            outcome = "unavailable"
            reason = _one_line(exc)
            self.breaker.record_failure(probe, reason)
            raise Neo4jUnreachable(f"Neo4j is unreachable: {reason}") from exc
        except Neo4jError as exc:
            if _is_timeout(exc):
                outcome = "timeout"
                raise GraphUnavailable(f"query timed out after {timeout}s") from exc
            raise
        finally:
            metrics.NEO4J_IN_USE.dec()
            metrics.NEO4J_QUERY_LATENCY.labels(name, outcome).observe(time.perf_counter() - started)
            if outcome != "unavailable":
                # Neo4j answered (a domain error such as UserNotFound included).
                self.breaker.record_success(probe)

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
        warming = threading.Thread(target=self._warm_up_quietly, name="warm-up", daemon=True)
        warming.start()
        warming.join(WARM_UP_GATE)

    def _warm_up_quietly(self) -> None:
        self._recovering.on = True
        try:
            self.warm_up()
        except GraphUnavailable as exc:
            log.warning("warm-up stopped: %s", exc)
        finally:
            self._recovering.on = False

    def warm_up(self) -> dict[str, float]:
        """Run every read the API makes once, for a user no one is; `{call: seconds}`.

        Plans and caches each query on the server (and warms its JVM), so the requests that
        follow a restart run at full speed instead of each compiling, and timing out, on a
        cold server. Reads only; errors are logged, not raised, except Neo4j being unreachable.
        Each worker starts at a different call, so two workers plan different queries at once.
        """
        user = WARM_UP_USER
        calls = [
            ("index_states", self.index_states),
            ("find_viewer", lambda: self.find_viewer(user)),
            ("list_user_connections", lambda: self.list_user_connections(user, None, 0, 20)),
            ("list_user_connections_viewer", lambda: self.list_user_connections(user, 1, 0, 20)),
            ("suggest_users", lambda: self.suggest_users(user, 0, 20)),
            ("find_user", lambda: self.find_user(user, 1)),
            ("read_pair_states", lambda: self.read_pair_states(user, [user])),
            ("requests_received", lambda: self.list_connection_requests(user, "received", 0, 20)),
            ("requests_sent", lambda: self.list_connection_requests(user, "sent", 0, 20)),
            ("get_community_settings", self.get_community_settings),
        ]
        # The load's hot paths first, each worker starting at a different one of them.
        hot = 5
        turn = os.getpid() % hot
        calls = calls[turn:hot] + calls[:turn] + calls[hot:]
        timings = {}
        for name, call in calls:
            started = time.perf_counter()
            try:
                call()
            except UserNotFound:
                pass
            except Neo4jUnreachable:
                raise
            except Exception as exc:  # noqa: BLE001 - e.g. a timeout: Neo4j answers, slowly
                log.warning("warm-up %s: %s", name, exc)
            timings[name] = round(time.perf_counter() - started, 3)
        log.info("warmed up the API's queries in %.2fs", sum(timings.values()))
        return timings

    def close(self) -> None:
        """Stop the breaker's probe and close the driver (a gunicorn worker exiting)."""
        self.breaker.stop()
        self.driver.close()

    def index_states(self) -> dict[str, dict]:
        """`{name: {"state", "population"}}` for every index the API needs (MISSING if absent)."""

        def work(tx):
            rows = tx.run(cypher.query("admin/index_states"), names=list(REQUIRED_INDEXES))
            return {r["name"]: {"state": r["state"], "population": r["population"]} for r in rows}

        found = self._read(work)
        missing = {"state": "MISSING", "population": 0.0}
        return {name: found.get(name, missing) for name in REQUIRED_INDEXES}

    def ping(self) -> bool:
        def work(tx):
            return tx.run(cypher.query("admin/ping")).single()["ok"] == 1

        return self._read(work)

    def find_viewer(self, user_id: int) -> dict | None:
        """`{"is_staff": bool}` for an active user, None when the id is not an active user."""

        def work(tx):
            record = tx.run(cypher.query("api/find_viewer"), user_id=user_id).single()
            return None if record is None else {"is_staff": bool(record["is_staff"])}

        return self._read(work)

    def list_user_connections(
        self, user_id: int, viewer_id: int | None, offset: int, limit: int
    ) -> tuple[int, list[dict]]:
        """`(count, page)` of the user's connections from one read transaction.

        One round trip (api/connections_page: count, page, rows, counters, statuses). Deep
        pages of big users start from a cached anchor key (one round trip, checked against the
        list's count and newest entry); without one, a page in the older half of a list takes
        a second round trip reading from the oldest end, and a big user's anchors are built.
        """
        # Any offset past every possible count reads nothing; clamping keeps Cypher's
        # 2 * offset + limit far from 64-bit overflow.
        offset = min(offset, _FAR_OFFSET)

        def work(tx):
            anchored = self._anchored_page(tx, user_id, viewer_id, offset, limit)
            if anchored is not None:
                return anchored
            head = tx.run(
                cypher.query("api/connections_page"),
                user_id=user_id,
                viewer_id=viewer_id,
                offset=offset,
                limit=limit,
                oldest_from=self.oldest_from,
            ).single()
            if not head["found"]:
                raise UserNotFound(user_id)
            count = head["count"]
            if count >= self.anchor_min and self.anchor_every <= offset < count:
                self._take_anchors(tx, user_id)
            if not head["from_oldest"]:
                return count, [_user_row(row) for row in head["rows"]]
            end = min(offset + limit, count)
            rows = tx.run(
                cypher.query("api/connections_page_oldest"),
                user_id=user_id,
                viewer_id=viewer_id,
                skip=count - end,
                limit=end - offset,
            ).single()["rows"]
            return count, [_user_row(row) for row in rows]

        return self._read(work)

    def _anchored_page(self, tx, user_id, viewer_id, offset, limit):
        """`(count, page)` from a cached anchor, or None when there is no valid one."""
        anchors = self._anchors.get(user_id)
        if anchors is None or offset < anchors.every or offset >= anchors.count:
            return None
        if time.monotonic() - anchors.taken > self.anchor_ttl:
            self._anchors.pop(user_id, None)
            return None
        position = offset // anchors.every
        anchor_at, anchor_neg = anchors.keys[position]
        record = tx.run(
            cypher.query("api/connections_page_anchored"),
            user_id=user_id,
            viewer_id=viewer_id,
            anchor_at=anchor_at,
            anchor_neg=anchor_neg,
            skip=offset - position * anchors.every,
            limit=limit,
        ).single()
        # A live write adds a connection at the newest end or removes one (the count moves):
        # either way the anchors' positions are off, so they are dropped and rebuilt.
        if record is None or (record["count"], record["newest"]) != (anchors.count, anchors.newest):
            self._anchors.pop(user_id, None)
            return None
        return record["count"], [_user_row(row) for row in record["rows"]]

    def _take_anchors(self, tx, user_id: int) -> None:
        record = tx.run(
            cypher.query("api/connection_anchors"), user_id=user_id, every=self.anchor_every
        ).single()
        self._anchors[user_id] = _Anchors(
            count=record["count"],
            newest=record["newest"],
            keys=record["anchors"],
            every=self.anchor_every,
            taken=time.monotonic(),
        )

    def suggest_users(self, user_id: int, offset: int, limit: int) -> tuple[int, list[dict]]:
        """`(count, page)` of friend-of-friend suggestions for the user, as full user rows.

        Ranked by mutual connections, then id, within a bounded neighbourhood (the user's
        `suggestion_friends` newest connections, `suggestion_fanout` newest of each; exact
        below that, see api/suggestions_page), in one round trip; `connection_status` is
        relative to the user.
        """
        # Cypher list indices are 32-bit; no ranking is anywhere near 2**30 long.
        offset = min(offset, 2**30)

        def work(tx):
            record = tx.run(
                cypher.query("api/suggestions_page"),
                user_id=user_id,
                offset=offset,
                limit=limit,
                friend_cap=self.suggestion_friends,
                fanout=self.suggestion_fanout,
                seek_budget=self.suggestion_seeks,
            ).single()
            if not record["found"]:
                raise UserNotFound(user_id)
            return record["count"], [_user_row(row) for row in record["rows"]]

        return self._read(work)

    def find_user(self, user_id: int, viewer_id: int | None) -> dict:
        """The active user's full row as the viewer sees it; UserNotFound otherwise."""

        def work(tx):
            rows = _user_rows(tx, [user_id], viewer_id)
            if not rows or rows[0].get("status") != "a":
                raise UserNotFound(user_id)
            return rows[0]

        return self._read(work)

    def read_pair_states(self, viewer_id: int, ids: list[int]) -> dict[int, dict]:
        """`{id: {active, connected, sent, received}}` between the viewer and each user id."""
        return self._read(lifecycle_tx.read_pairs, viewer_id, ids)

    def list_connection_requests(
        self, user_id: int, direction: str, offset: int, limit: int
    ) -> tuple[int, list[dict]]:
        """`(count, page)` of the requests the user received (pending) or sent (all).

        `direction` is "received" or "sent"; each item is `{id, from_user, to_user, created,
        rejected, viewed}` with full user rows as the user sees them. Newest first, ties by the
        other user's id. Imported requests without an id are numbered first (one write).
        """
        if direction not in _REQUEST_QUERIES:
            raise ValueError(f"unknown direction {direction!r}")
        count_query, page_query = _REQUEST_QUERIES[direction]

        def work(tx):
            count = tx.run(cypher.query(count_query), user_id=user_id).single()
            count = 0 if count is None else count["count"]
            if offset >= count:
                return count, [], False
            rows = [
                dict(row)
                for row in tx.run(
                    cypher.query(page_query), user_id=user_id, skip=offset, limit=limit
                )
            ]
            if any(row["id"] is None for row in rows):
                return count, rows, True
            ids = list(dict.fromkeys([r["from_id"] for r in rows] + [r["to_id"] for r in rows]))
            users = {row["id"]: row for row in _user_rows(tx, ids, user_id)}
            return count, [_request_item(row, users) for row in rows], False

        count, page, unnumbered = self._read(work)
        if unnumbered:
            self.write(lifecycle_tx.assign_request_ids, user_id)
            count, page, _ = self._read(work)
        return count, page

    def read_events(self, after: int, limit: int = 1000) -> list[dict]:
        """Events with id > `after`, oldest first, at most `limit`."""
        return self._read(lifecycle_tx.read_events, after, limit)

    def get_community_settings(self) -> dict:
        """The community options stored in the database; absent options are left out."""

        def work(tx):
            stored = tx.run(cypher.query("community/get_settings")).single()["settings"]
            return _options(stored)

        return self._read(work)

    def set_community_settings(self, values: dict) -> dict:
        """Store community options (a name -> value map) and return what is stored now."""

        def work(tx):
            stored = tx.run(cypher.query("community/set_settings"), values=values).single()
            return _options(stored["settings"])

        return self._write(work)


def _query_name(work: Callable) -> str:
    """`list_user_connections` for Graph.list_user_connections's inner `work`."""
    qualname = getattr(work, "__qualname__", "") or getattr(work, "__name__", "query")
    return qualname.split(".<locals>")[0].rsplit(".", 1)[-1]


def read_suggestions(tx, user_id: int, skip: int, limit: int) -> tuple[int, list[dict[str, int]]]:
    """Friend-of-friend suggestions in one read: (total, page of {id, mutual_count}).

    Ranked by mutual connections, then id; excludes the user, their connections and pending
    requests either way. A transaction function: the API calls it inside its own read and then loads full
    users by id; the analysts' `suggestions` query is the same ranking.
    Raises UserNotFound when `user_id` has no :User.
    """
    found = tx.run(cypher.query("analytics/support/users_exist"), ids=[user_id]).single()
    if user_id not in found["found"]:
        raise UserNotFound(user_id)
    total = tx.run(cypher.query("analytics/suggestions_count"), user_id=user_id).single()["total"]
    if skip >= total:
        # Past the end: nothing to fetch, and SKIP + LIMIT near 2**63 overflows in Neo4j.
        return total, []
    page = tx.run(cypher.query("analytics/suggestions"), user_id=user_id, skip=skip, limit=limit)
    return total, [{"id": r["id"], "mutual_count": r["mutual_count"]} for r in page]


def _user_rows(tx, ids: list[int], viewer_id: int | None) -> list[dict]:
    """Full User rows for `ids`, in that order, as the viewer sees them."""
    if not ids:
        return []
    result = tx.run(cypher.query("api/user_rows"), ids=ids, viewer_id=viewer_id)
    return [_user_row(record) for record in result]


_REQUEST_QUERIES = {
    "received": ("api/count_received_requests", "api/received_requests_page"),
    "sent": ("api/count_sent_requests", "api/sent_requests_page"),
}


def _request_item(row: dict, users: dict[int, dict]) -> dict:
    """A Connection Request object's data: full users in, datetimes as Python datetimes."""
    return {
        "id": row["id"],
        "from_user": dict(users[row["from_id"]]),
        "to_user": dict(users[row["to_id"]]),
        "created": _native(row["created"]),
        "rejected": _native(row["rejected"]),
        "viewed": _native(row["viewed"]),
    }


def _native(value):
    return value.to_native() if hasattr(value, "to_native") else value


def _options(stored: dict) -> dict:
    # `name` is the settings node's key; the domain decides which options it knows.
    return {name: value for name, value in stored.items() if name != "name"}


def _user_row(record) -> dict:
    """A plain dict with Python values, ready for `UserSchema.dump` (from a record or a map)."""
    user = dict(record["user"])
    tags_json = user.get("tags_json")
    for name in _INTERNAL_PROPERTIES:
        user.pop(name, None)
    try:
        user["tags"] = json.loads(tags_json) if tags_json else []
    except ValueError:
        log.warning("user %s has malformed tags_json; serving no tags", user.get("id"))
        user["tags"] = []
    for name in ("date_joined", "date_of_birth"):
        value = user.get(name)
        if value is not None and hasattr(value, "to_native"):
            user[name] = value.to_native()
    user["connections_counter"] = record["connections_counter"]
    user["connection_requests_sent_counter"] = record["connection_requests_sent_counter"]
    user["connection_requests_received_counter"] = record["connection_requests_received_counter"]
    user["connection_status"] = record["connection_status"]
    return user

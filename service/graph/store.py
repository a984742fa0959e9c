"""All Neo4j access: verb-named methods returning plain data; nothing here knows about HTTP."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
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
from service.graph.breaker import CircuitBreaker
from service.graph.errors import GraphUnavailable, UserNotFound
from service.observability import metrics

log = logging.getLogger(__name__)

# The indexes the API's queries rely on: one per `cypher/schema/` file, named like the file.
# While one is not ONLINE the planner would scan instead, so the API answers 503 (readiness).
REQUIRED_INDEXES = tuple(name.removeprefix("schema/") for name in cypher.names("schema/"))

# Properties that are stored for the graph's sake and never serialized as they are.
_INTERNAL_PROPERTIES = ("tags_json", "is_staff")


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _is_timeout(exc: Neo4jError) -> bool:
    code = exc.code or ""
    return "TransactionTimedOut" in code or code.endswith("Transaction.Terminated")


class Graph:
    """The graph layer over one driver; reads go through managed read transactions."""

    def __init__(
        self,
        driver: Driver,
        database: str = "neo4j",
        query_timeout: float = 5.0,
        retry_time: float = 1.0,
        breaker: CircuitBreaker | None = None,
    ):
        self.driver = driver
        self.database = database
        self.query_timeout = query_timeout
        # The driver retries managed transactions for 30 s by default; a web request must
        # fail fast with 503 instead of holding its worker that long.
        self.retry_time = retry_time
        self.breaker = breaker or CircuitBreaker()
        # Causal consistency: every session of this worker shares one bookmark manager, so a
        # read that follows a write waits until the server it is routed to (a cluster's
        # secondary) has applied that write: a request that writes then reads sees its write.
        self.bookmarks = GraphDatabase.bookmark_manager()

    def _session(self):
        # Notifications off: e.g. "property key does not exist" for an optional property such
        # as is_staff would otherwise log a warning on every request.
        return self.driver.session(
            database=self.database,
            max_transaction_retry_time=self.retry_time,
            bookmark_manager=self.bookmarks,
            notifications_min_severity=NotificationMinimumSeverity.OFF,
        )

    def _read(self, work: Callable, *args: Any) -> Any:
        """Run `work(tx, *args)` in one managed read transaction bounded by the query timeout."""
        return self._run("execute_read", work, *args)

    def _write(self, work: Callable, *args: Any) -> Any:
        """Run `work(tx, *args)` in one managed write transaction bounded by the query timeout."""
        return self._run("execute_write", work, *args)

    def _run(self, execute: str, work: Callable, *args: Any) -> Any:
        # Every transaction passes here: driver failures become GraphUnavailable, the breaker
        # fails fast while Neo4j is unreachable, and each transaction is timed by name.
        name = _query_name(work)
        probe = self.breaker.before_call()
        timed = unit_of_work(timeout=self.query_timeout)(work)
        outcome = "error"
        started = time.perf_counter()
        metrics.NEO4J_IN_USE.inc()
        try:
            with self._session() as session:
                result = getattr(session, execute)(timed, *args)
            outcome = "ok"
            return result
        except (ServiceUnavailable, SessionExpired, TransientError, DriverError) as exc:
            if isinstance(exc, Neo4jError) and _is_timeout(exc):
                outcome = "timeout"
                raise GraphUnavailable(f"query timed out after {self.query_timeout}s") from exc
            if isinstance(exc, TransientError) and "Unavailable" not in (exc.code or ""):
                # e.g. a deadlock still there after the retries: Neo4j itself is up.
                outcome = "transient"
                raise GraphUnavailable(f"Neo4j: {_one_line(exc)}") from exc
            # Unreachable, or DatabaseUnavailable while Neo4j starts or recovers.
            outcome = "unavailable"
            reason = _one_line(exc)
            self.breaker.record_failure(probe, reason)
            raise GraphUnavailable(f"Neo4j is unreachable: {reason}") from exc
        except Neo4jError as exc:
            if _is_timeout(exc):
                outcome = "timeout"
                raise GraphUnavailable(f"query timed out after {self.query_timeout}s") from exc
            raise
        finally:
            metrics.NEO4J_IN_USE.dec()
            metrics.NEO4J_QUERY_LATENCY.labels(name, outcome).observe(time.perf_counter() - started)
            if outcome != "unavailable":
                # Neo4j answered (a domain error such as UserNotFound included).
                self.breaker.record_success(probe)

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
        """`(count, page)` of the user's connections from one read transaction."""

        def work(tx):
            head = tx.run(cypher.query("api/count_user_connections"), user_id=user_id).single()
            if not head["found"]:
                raise UserNotFound(user_id)
            count = head["count"]
            if offset >= count:
                # Past the end: nothing to fetch, and huge offsets never reach SKIP.
                return count, []
            ids = _page_ids(tx, user_id, count, offset, limit)
            return count, _user_rows(tx, ids, viewer_id)

        return self._read(work)

    def suggest_users(self, user_id: int, offset: int, limit: int) -> tuple[int, list[dict]]:
        """`(count, page)` of friend-of-friend suggestions for the user, as full user rows.

        Ranked by mutual connections, then id (the analysts' `suggestions` query), from one
        read transaction; `connection_status` is relative to the user.
        """

        def work(tx):
            count, ranked = read_suggestions(tx, user_id, offset, limit)
            # Same transaction: the ranked ids are active users (the query filters status).
            return count, _user_rows(tx, [row["id"] for row in ranked], user_id)

        return self._read(work)

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


def _page_ids(tx, user_id: int, count: int, offset: int, limit: int) -> list[int]:
    """Ids on the page, read from whichever end of the user's index range is nearer.

    Skipping index entries is the cost that grows with depth, so a page in the older half of
    the list is read from the oldest end: no page skips more than half of a user's entries.
    """
    end = min(offset + limit, count)
    if offset <= count - end:
        rows = tx.run(
            cypher.query("api/connection_page_newest"),
            user_id=user_id,
            skip=offset,
            limit=end - offset,
        )
        return [row["id"] for row in rows]
    rows = tx.run(
        cypher.query("api/connection_page_oldest"),
        user_id=user_id,
        skip=count - end,
        limit=end - offset,
    )
    return [row["id"] for row in rows][::-1]


def _user_rows(tx, ids: list[int], viewer_id: int | None) -> list[dict]:
    """Full User rows for `ids`, in that order, as the viewer sees them."""
    if not ids:
        return []
    result = tx.run(cypher.query("api/user_rows"), ids=ids, viewer_id=viewer_id)
    return [_user_row(record) for record in result]


def _options(stored: dict) -> dict:
    # `name` is the settings node's key; the domain decides which options it knows.
    return {name: value for name, value in stored.items() if name != "name"}


def _user_row(record) -> dict:
    """A plain dict with Python values, ready for `UserSchema.dump`."""
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

"""Running catalogue queries: read-only transactions with a timeout and a row limit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from neo4j import READ_ACCESS, Driver, ManagedTransaction, unit_of_work
from neo4j.exceptions import AuthError, ClientError, Neo4jError

from service.analytics.catalogue import (
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT,
    MODES,
    AnalyticsQuery,
    QueryFailed,
    QueryResult,
    QueryTimedOut,
    ReadOnlyViolation,
    UnknownUsers,
)
from service.graph import cypher


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


class AnalyticsRunner:
    """Runs catalogue queries in read-only transactions, with a timeout and a row limit."""

    def __init__(
        self,
        driver: Driver,
        database: str = "neo4j",
        timeout: float = DEFAULT_TIMEOUT,
        max_rows: int = DEFAULT_MAX_ROWS,
    ):
        self.driver = driver
        self.database = database
        self.timeout = timeout
        self.max_rows = max_rows

    def run(
        self, query: AnalyticsQuery, params: Mapping[str, Any], mode: str = "run"
    ) -> QueryResult:
        """Check the users exist, then run (or explain/profile) `query` with bound `params`."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")

        def work(tx: ManagedTransaction) -> QueryResult:
            check_users_exist(tx, query.users_in(params))
            if mode != "run":
                # The plan comes only from a prefixed statement; the prefix is a fixed keyword.
                summary = tx.run(f"{mode.upper()} {query.text}", dict(params)).consume()
                return QueryResult(query.columns, [], plan=summary.profile or summary.plan)
            result = tx.run(query.text, dict(params))
            rows: list[dict] = []
            truncated = False
            for record in result:
                if len(rows) == self.max_rows:
                    truncated = True
                    break
                rows.append(record.data())
            return QueryResult(tuple(result.keys()), rows, truncated)

        # Both guards: the session's READ mode makes the server refuse writes even where
        # execute_read alone would only route; the timeout travels with the transaction.
        timed = unit_of_work(
            timeout=self.timeout, metadata={"app": "connections-analytics", "query": query.name}
        )(work)
        try:
            with self.driver.session(
                database=self.database, default_access_mode=READ_ACCESS
            ) as session:
                return session.execute_read(timed)
        except AuthError:
            raise  # a setup problem, not the query's: the CLI reports it as such
        except ClientError as exc:
            code = exc.code or ""
            if code == "Neo.ClientError.Statement.AccessMode":
                raise ReadOnlyViolation(
                    f"query {query.name} tried to write; analytics queries "
                    "run in read-only transactions"
                ) from None
            if "TransactionTimedOut" in code:
                raise QueryTimedOut(
                    f"query {query.name} did not finish within "
                    f"{self.timeout:g}s; raise it with --timeout"
                ) from None
            raise QueryFailed(f"query {query.name} failed: {_one_line(exc.message)}") from None
        except Neo4jError as exc:
            if exc.code and "Terminated" in exc.code:
                raise QueryTimedOut(
                    f"query {query.name} was terminated (timeout "
                    f"{self.timeout:g}s); raise it with --timeout"
                ) from None
            raise QueryFailed(f"query {query.name} failed: {_one_line(exc.message)}") from None


def check_users_exist(tx: ManagedTransaction, users: list[tuple[str, int]]) -> None:
    """Raise UnknownUsers naming the first `(parameter, id)` with no :User behind it."""
    if not users:
        return
    ids = [user_id for _, user_id in users]
    record = tx.run(cypher.query("analytics/support/users_exist"), ids=ids).single(strict=True)
    found = set(record["found"])
    for name, user_id in users:
        if user_id not in found:
            raise UnknownUsers(f"no user with id {user_id} (parameter {name})")

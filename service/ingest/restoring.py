"""`connections import --from DIR`: an export (`connections export`) written back as it was.

Rows arrive as plain dicts in the export's columns; users are upserted by id, connections
merged (both directions) and requests restored with their rejected time, in batches, one
transaction per batch. Importing an export into an empty database gives the exported graph.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from neo4j import Driver

from service.domain.users import search_key
from service.graph import cypher, lifecycle

_CANONICAL_INT = re.compile(r"-?(0|[1-9]\d*)")


@dataclass
class RestoreSummary:
    users: int = 0
    connections: int = 0
    requests: int = 0

    def describe(self) -> str:
        return (
            f"restored {self.users} users, {self.connections} connections, {self.requests} requests"
        )


def _ext_id(value: str | None) -> int | str | None:
    """The export writes ext_id as text; SelfCommunity's integer ids come back as integers."""
    if value is not None and _CANONICAL_INT.fullmatch(value):
        return int(value)
    return value


def user_row(row: dict) -> dict:
    """An export's users row as the user upsert's {id, date_joined, props}."""
    props = {k: v for k, v in row.items() if k not in ("id", "date_joined")}
    props["ext_id"] = _ext_id(props.get("ext_id"))
    username = props.get("username")
    props["username_key"] = None if username is None else search_key(username)
    return {"id": row["id"], "date_joined": row["date_joined"], "props": props}


class Restorer:
    """Writes an export's rows to Neo4j in batches (one transaction each)."""

    def __init__(self, driver: Driver, database: str = "neo4j", *, progress: bool = True):
        self.driver = driver
        self.database = database
        self.progress = progress

    def _write(self, name: str, rows: list[dict]) -> None:
        query = cypher.query(name)
        with self.driver.session(database=self.database) as session:
            session.execute_write(lambda tx: tx.run(query, rows=rows).consume())

    def restore(
        self,
        users: Iterable[list[dict]],
        connections: Iterable[list[dict]],
        requests: Iterable[list[dict]],
        totals: tuple[int, int, int] | None = None,
    ) -> RestoreSummary:
        """Users, then connections, then requests; each iterable yields batches of rows."""
        from tqdm import tqdm

        summary = RestoreSummary()
        steps = (
            ("users", users, "ingest/upsert_users", user_row),
            (
                "connections",
                connections,
                "ingest/merge_connections",
                lambda r: {"a": r["user_id"], "b": r["other_id"], "created_at": r["created_at"]},
            ),
            ("requests", requests, "ingest/restore_requests", dict),
        )
        for i, (unit, batches, query, to_row) in enumerate(steps):
            with tqdm(
                total=totals[i] if totals else None,
                unit=" rows",
                desc=f"{unit:<11}",
                file=sys.stderr,
                disable=not self.progress,
                dynamic_ncols=True,
            ) as bar:
                for batch in batches:
                    rows = [to_row(r) for r in batch]
                    if rows:
                        self._write(query, rows)
                    setattr(summary, unit, getattr(summary, unit) + len(rows))
                    bar.update(len(rows))
        # Restored requests get their Connection Request ids (the API lists them by id).
        with self.driver.session(database=self.database) as session:
            session.execute_write(lifecycle.assign_request_ids)
        return summary

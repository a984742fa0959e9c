"""Import a community from files: users (JSON Lines), connections and requests (CSV), over Bolt.

Every row is read and validated by `ingest/rows.py` with the API's own schemas; writes are
`UNWIND` batches, one transaction per batch; the import is idempotent (upsert by id, one
relationship per pair).
"""

from __future__ import annotations

import csv
import logging
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from neo4j import Driver

from service.graph import cypher, db, lifecycle
from service.ingest.rows import BadRow, count_lines, read_connections, read_requests, read_users

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 5000


class ImportCountMismatch(Exception):
    """The graph's totals after an import differ from what the writes reported."""


class ImportInputError(Exception):
    """A bad row stopped the import; the message names file, line and field and how to resume."""


@dataclass(frozen=True)
class GraphCounts:
    users: int
    connections: int
    requests: int


@dataclass
class ImportSummary:
    """What an import did; `before`/`after` are the graph's totals around it."""

    users: int = 0
    connections: int = 0
    requests: int = 0
    skipped: int = 0
    seconds: float = 0.0
    users_created: int = 0
    connections_created: int = 0
    requests_created: int = 0
    requests_superseded: int = 0
    before: GraphCounts | None = None
    after: GraphCounts | None = None
    bad_rows: list[BadRow] = field(default_factory=list)

    def describe(self) -> str:
        lines = [
            (
                f"imported {self.users} users, {self.connections} connections, "
                f"{self.requests} requests; skipped {self.skipped} bad rows; "
                f"{self.seconds:.1f}s"
            )
        ]
        if self.before and self.after:
            lines.append(
                f"graph before: {self.before.users} users, {self.before.connections} connections, "
                f"{self.before.requests} requests; after: {self.after.users} users, "
                f"{self.after.connections} connections, {self.after.requests} requests"
            )
        return "\n".join(lines)


class Importer:
    """Writes validated rows to Neo4j in batches; stops (or skips) at bad rows."""

    def __init__(
        self,
        driver: Driver,
        database: str = "neo4j",
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        skip_invalid: bool = False,
        progress: bool = True,
        max_reported: int = 20,
        await_checkpoint: Callable[[float], object] | None = None,
    ):
        self.driver = driver
        self.database = database
        self.batch_size = batch_size
        self.skip_invalid = skip_invalid
        self.progress = progress
        self.max_reported = max_reported
        self.await_checkpoint = await_checkpoint

    # -- reads -----------------------------------------------------------------------------

    def _read(self, name: str, **params) -> list[dict]:
        def work(tx):
            return [record.data() for record in tx.run(cypher.query(name), **params)]

        # On a fresh database the relationship types do not exist yet; Neo4j's warning about
        # that is noise here.
        with self.driver.session(
            database=self.database, notifications_disabled_classifications=["UNRECOGNIZED"]
        ) as session:
            return session.execute_read(work)

    def count_graph(self) -> GraphCounts:
        """Totals of users, connections and pending requests in the graph."""
        row = self._read("ingest/count_graph")[0]
        return GraphCounts(row["users"], row["connections"], row["requests"])

    def _write(self, rows: list[dict], *names: str) -> list:
        """Run each named query over `rows` in ONE transaction; their summary counters."""

        def work(tx):
            return [tx.run(cypher.query(name), rows=rows).consume().counters for name in names]

        with self.driver.session(database=self.database) as session:
            return session.execute_write(work)

    # -- the import ------------------------------------------------------------------------

    def import_files(
        self, users: Path | None, connections: Path | None, requests: Path | None = None
    ) -> ImportSummary:
        """Import users, then connections, then requests; checks the totals before and after."""
        started = time.monotonic()
        summary = ImportSummary(before=self.count_graph())
        if users:
            self._run(users, read_users(users), summary, self._write_users, "users")
        if connections:
            self._run(
                connections,
                read_connections(connections),
                summary,
                self._write_connections,
                "connections",
            )
        if requests:
            self._run(requests, read_requests(requests), summary, self._write_requests, "requests")
            # Imported requests get their Connection Request ids (the API lists them by id).
            with self.driver.session(database=self.database) as session:
                session.execute_write(lifecycle.assign_request_ids)
        summary.after = self.count_graph()
        # Loaded data on disk now, not at the next periodic checkpoint: a crash after an
        # import must not replay (or re-index) the whole import.
        db.checkpoint(self.driver, self.database, self.await_checkpoint)
        summary.seconds = time.monotonic() - started
        check_counts(summary)
        return summary

    def _run(
        self,
        path: Path,
        rows: Iterator[tuple[int, dict | BadRow]],
        summary: ImportSummary,
        write: Callable[[Path, list[tuple[int, dict]], ImportSummary], None],
        unit: str,
    ) -> None:
        bar = self._bar(path, unit)
        batch: list[tuple[int, dict]] = []
        try:
            for line_no, row in rows:
                if isinstance(row, BadRow):
                    self._bad(row, batch, summary)
                else:
                    batch.append((line_no, row))
                if len(batch) >= self.batch_size:
                    write(path, batch, summary)
                    bar.update(len(batch))
                    batch = []
            if batch:
                write(path, batch, summary)
                bar.update(len(batch))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ImportInputError(
                f"{path}: not a readable UTF-8 file ({exc}); nothing after "
                f"the last full batch was written"
            ) from None
        finally:
            bar.close()

    def _bar(self, path: Path, unit: str):
        from tqdm import tqdm

        total = max(count_lines(path) - (0 if unit == "users" else 1), 0) if self.progress else None
        return tqdm(
            total=total,
            unit=" rows",
            desc=f"{unit:<11}",
            file=sys.stderr,
            disable=not self.progress,
            dynamic_ncols=True,
        )

    def _bad(self, bad: BadRow, batch: list[tuple[int, dict]], summary: ImportSummary) -> None:
        if not self.skip_invalid or bad.fatal:
            first = batch[0][0] if batch else bad.line
            raise ImportInputError(
                f"{bad.describe()}; nothing from line {first} on was written from {bad.path} — "
                f"fix the row and run the same command again (re-importing is idempotent), "
                f"or add --skip-invalid to skip and count bad rows"
            )
        summary.skipped += 1
        if len(summary.bad_rows) < self.max_reported:
            summary.bad_rows.append(bad)
        log.warning("skipped %s", bad.describe())

    def _keep_valid(
        self,
        path: Path,
        batch: list[tuple[int, dict]],
        bad: dict[int, BadRow],
        summary: ImportSummary,
    ) -> list[dict]:
        """Rows of `batch` not in `bad` (line → BadRow); raises on the first bad one by default."""
        rows = []
        for line_no, row in batch:
            if line_no in bad:
                self._bad(bad[line_no], batch, summary)
            else:
                rows.append(row)
        return rows

    def _missing_users(
        self,
        path: Path,
        batch: list[tuple[int, dict]],
        columns: tuple[str, str],
        names: tuple[str, str],
    ) -> dict[int, BadRow]:
        ids = sorted({row[c] for _, row in batch for c in columns})
        missing = {row["id"] for row in self._read("ingest/missing_users", ids=ids)}
        bad = {}
        for line_no, row in batch:
            for column, name in zip(columns, names, strict=True):
                if row[column] in missing:
                    bad[line_no] = BadRow(path, line_no, name, f"no user with id {row[column]}")
                    break
        return bad

    def _write_users(
        self, path: Path, batch: list[tuple[int, dict]], summary: ImportSummary
    ) -> None:
        (counters,) = self._write([row for _, row in batch], "ingest/upsert_users")
        summary.users += len(batch)
        summary.users_created += counters.nodes_created

    def _write_connections(
        self, path: Path, batch: list[tuple[int, dict]], summary: ImportSummary
    ) -> None:
        # Which file column held the unknown id is lost by sorting the pair; name both.
        bad = self._missing_users(path, batch, ("a", "b"), ("user_id/other_id",) * 2)
        rows = self._keep_valid(path, batch, bad, summary)
        if not rows:
            return
        merged, deleted = self._write(
            rows, "ingest/merge_connections", "ingest/delete_superseded_requests"
        )
        summary.connections += len(rows)
        # Each connection is two relationships, one per direction, created together.
        summary.connections_created += merged.relationships_created // 2
        summary.requests_superseded += deleted.relationships_deleted

    def _write_requests(
        self, path: Path, batch: list[tuple[int, dict]], summary: ImportSummary
    ) -> None:
        bad = self._missing_users(path, batch, ("from_id", "to_id"), ("from_id", "to_id"))
        pairs = [
            {"a": min(r["from_id"], r["to_id"]), "b": max(r["from_id"], r["to_id"])}
            for line_no, r in batch
            if line_no not in bad
        ]
        connected = {(p["a"], p["b"]) for p in self._read("ingest/connected_pairs", pairs=pairs)}
        for line_no, row in batch:
            pair = (min(row["from_id"], row["to_id"]), max(row["from_id"], row["to_id"]))
            if line_no not in bad and pair in connected:
                bad[line_no] = BadRow(
                    path, line_no, "to_id", f"users {pair[0]} and {pair[1]} are already connected"
                )
        rows = self._keep_valid(path, batch, bad, summary)
        if not rows:
            return
        (counters,) = self._write(rows, "ingest/merge_requests")
        summary.requests += len(rows)
        summary.requests_created += counters.relationships_created


def check_counts(summary: ImportSummary) -> None:
    """The totals must have moved by exactly what the writes report; else nothing is trusted."""
    before, after = summary.before, summary.after
    assert before is not None and after is not None, "counted before and after the writes"
    expected = GraphCounts(
        before.users + summary.users_created,
        before.connections + summary.connections_created,
        before.requests + summary.requests_created - summary.requests_superseded,
    )
    if after != expected:
        raise ImportCountMismatch(
            f"graph totals after the import {after} differ from the expected {expected} "
            f"(before {before}); another writer may have changed the graph meanwhile"
        )

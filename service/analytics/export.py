"""`connections export`: a consistent snapshot of the graph as files analysts' tools read.

Everything is read in ONE read transaction (so the tables agree with each other and with the
event-log position in the manifest), a page of users at a time (keyset on id) and that page's
connections and requests, and written out batch by batch: memory is one page, whatever the
graph's size.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import pyarrow as pa
from neo4j import READ_ACCESS, Driver, ManagedTransaction, unit_of_work

from service.analytics import snapshot
from service.analytics.snapshot import ExportError, Manifest
from service.graph import cypher

DEFAULT_PAGE = 50_000
# Gephi opens graphs of this size comfortably; beyond it, use Parquet (and a notebook).
GRAPHML_MAX_USERS = 100_000
GRAPHML_MAX_CONNECTIONS = 1_000_000
EXPORT_TIMEOUT = 3600.0


def _utc(micros: int | None) -> dt.datetime | None:
    if micros is None:
        return None
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=micros)


class _TableWriter:
    """Appends record batches to one table file (Parquet or CSV) with a fixed schema."""

    def __init__(self, path: Path, schema: pa.Schema, fmt: str):
        self.schema = schema
        self.rows = 0
        if fmt == "parquet":
            import pyarrow.parquet as pq

            self._writer: Any = pq.ParquetWriter(path, schema, compression="zstd")
        else:
            import pyarrow.csv as pacsv

            self._writer = pacsv.CSVWriter(
                path, schema, write_options=pacsv.WriteOptions(quoting_style="needed")
            )

    def write_columns(self, columns: dict[str, list]) -> None:
        batch = pa.RecordBatch.from_pydict(columns, schema=self.schema)
        if batch.num_rows:
            self._writer.write_batch(batch)
            self.rows += batch.num_rows

    def close(self) -> None:
        self._writer.close()


def _pages(tx: ManagedTransaction, page: int) -> Iterator[list[dict]]:
    """The users in id order, `page` at a time, as records' dicts."""
    after = -(2**63)
    while True:
        rows = [
            r.data()
            for r in tx.run(cypher.query("analytics/support/export_users"), after=after, limit=page)
        ]
        if not rows:
            return
        yield rows
        after = rows[-1]["id"]


def _user_columns(rows: list[dict]) -> dict[str, list]:
    columns: dict[str, list] = {name: [] for name in snapshot.USERS_SCHEMA.names}
    for row in rows:
        for name, values in columns.items():
            value = row[name]
            if name == "date_joined":
                value = _utc(value)
            elif name == "date_of_birth" and value is not None:
                value = value.to_native()
            values.append(value)
    return columns


def _columns(tx: ManagedTransaction, name: str, low: int, high: int) -> dict[str, list]:
    """One page's table as the query returns it: parallel columns (timestamps as epoch
    microseconds, which Arrow takes as they are: no Python datetime per row)."""
    record = tx.run(cypher.query(name), low=low, high=high).single()
    assert record is not None  # collect() always answers one row
    columns = record.data()
    if "rejected" in columns:  # wrapped in one-item lists so that nulls survive collect()
        columns["rejected"] = [value for (value,) in columns["rejected"]]
    return columns


class Exporter:
    """Writes the export of the graph behind `driver` into a folder."""

    def __init__(
        self,
        driver: Driver,
        database: str = "neo4j",
        *,
        page: int = DEFAULT_PAGE,
        progress: bool = True,
        timeout: float = EXPORT_TIMEOUT,
    ):
        self.driver = driver
        self.database = database
        self.page = page
        self.progress = progress
        self.timeout = timeout

    def export(self, out: Path, fmt: str = "parquet") -> Manifest:
        """Write users, connections, requests and the manifest to `out` (created if needed)."""
        if fmt not in snapshot.FORMATS:
            raise ExportError(f"unknown format {fmt!r} (one of {', '.join(snapshot.FORMATS)})")
        if out.exists() and not out.is_dir():
            raise ExportError(f"--out {out} exists and is not a folder")
        out.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()

        def work(tx: ManagedTransaction) -> dict:
            return self._graphml(tx, out) if fmt == "graphml" else self._tables(tx, out, fmt)

        timed = unit_of_work(timeout=self.timeout, metadata={"app": "connections-export"})(work)
        with self.driver.session(database=self.database, default_access_mode=READ_ACCESS) as s:
            position = s.execute_read(timed)
        manifest = Manifest(
            format=fmt,
            users=position["users"],
            connections=position["connections"],
            requests=position["requests"] if fmt != "graphml" else 0,
            event_id=position["event_id"],
            exported_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            seconds=round(time.monotonic() - started, 3),
        )
        (out / snapshot.MANIFEST).write_text(manifest.to_json())
        return manifest

    def _bar(self, total: int):
        from tqdm import tqdm

        return tqdm(
            total=total,
            unit=" users",
            desc="export",
            file=sys.stderr,
            disable=not self.progress,
            dynamic_ncols=True,
        )

    def _position(self, tx: ManagedTransaction) -> dict:
        record = tx.run(cypher.query("analytics/support/export_position")).single()
        assert record is not None
        return record.data()

    def _tables(self, tx: ManagedTransaction, out: Path, fmt: str) -> dict:
        # A retried transaction starts again from an empty folder: the writers truncate.
        position = self._position(tx)
        writers = {
            table: _TableWriter(snapshot.table_path(out, table, fmt), schema, fmt)
            for table, schema in snapshot.SCHEMAS.items()
        }
        bar = self._bar(position["users"])
        try:
            for rows in _pages(tx, self.page):
                low, high = rows[0]["id"], rows[-1]["id"]
                writers["users"].write_columns(_user_columns(rows))
                for table in ("connections", "requests"):
                    query = f"analytics/support/export_{table}"
                    writers[table].write_columns(_columns(tx, query, low, high))
                bar.update(len(rows))
        finally:
            bar.close()
            for writer in writers.values():
                writer.close()
        written = {table: writer.rows for table, writer in writers.items()}
        expected = {table: position[table] for table in snapshot.TABLES}
        if written != expected:  # one transaction: only a bug can make these differ
            raise ExportError(f"wrote {written} rows but the snapshot counts {expected}")
        return position

    def _graphml(self, tx: ManagedTransaction, out: Path) -> dict:
        position = self._position(tx)
        if (
            position["users"] > GRAPHML_MAX_USERS
            or position["connections"] > GRAPHML_MAX_CONNECTIONS
        ):
            raise ExportError(
                f"GraphML is for graphs Gephi opens: at most {GRAPHML_MAX_USERS:,} users and "
                f"{GRAPHML_MAX_CONNECTIONS:,} connections, this one has {position['users']:,} "
                f"and {position['connections']:,}; use --format parquet"
            )
        bar = self._bar(position["users"])
        path = out / "graph.graphml"
        edges: list[tuple[int, int, int]] = []
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
                '  <key id="username" for="node" attr.name="username" attr.type="string"/>\n'
                '  <key id="is_staff" for="node" attr.name="is_staff" attr.type="boolean"/>\n'
                '  <key id="created_at" for="edge" attr.name="created_at" attr.type="string"/>\n'
                '  <graph id="connections" edgedefault="undirected">\n'
            )
            for rows in _pages(tx, self.page):
                for row in rows:
                    handle.write(
                        f'    <node id="{row["id"]}"><data key="username">'
                        f'{_text(row["username"])}</data><data key="is_staff">'
                        f"{'true' if row['is_staff'] else 'false'}</data></node>\n"
                    )
                low, high = rows[0]["id"], rows[-1]["id"]
                page = _columns(tx, "analytics/support/export_connections", low, high)
                edges.extend(
                    zip(page["user_id"], page["other_id"], page["created_at"], strict=True)
                )
                bar.update(len(rows))
            # GraphML wants every node before the edges that name it (bounded by the cap above).
            for a, b, created in edges:
                stamp = _utc(created)
                handle.write(
                    f'    <edge source="{a}" target="{b}"><data key="created_at">'
                    f"{stamp.isoformat() if stamp else ''}</data></edge>\n"
                )
            handle.write("  </graph>\n</graphml>\n")
        bar.close()
        return position


def _text(value: Any) -> str:
    return quoteattr(str(value or ""))[1:-1]

"""`connections export`: a consistent snapshot of the graph as files analysts' tools read.

Everything is read in ONE read transaction, and the position (event log, totals, highest ids)
is read at its start and again at its end: Neo4j reads are read-committed, so an attempt that
saw a write land is read again (ATTEMPTS), and the files agree with each other and with the
manifest's event-log position. The users a chunk of node ids at a time, then the
connections and requests a chunk of relationship ids at a time (analytics/scan.py), written out
batch by batch: memory is one chunk, whatever the graph's size. Rows come in storage order.
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
from neo4j import Driver, ManagedTransaction, unit_of_work

from service.analytics import scan, snapshot
from service.analytics.snapshot import ExportError, Manifest

DEFAULT_PAGE = 50_000
# Gephi opens graphs of this size comfortably; beyond it, use Parquet (and a notebook).
GRAPHML_MAX_USERS = 100_000
GRAPHML_MAX_CONNECTIONS = 1_000_000
EXPORT_TIMEOUT = 3600.0
# Neo4j's read transactions are read-committed, not snapshots: a write that commits while an
# export reads is partly in it. The position is read again at the end; an attempt that saw it
# move is thrown away and the export read again, up to this many times.
ATTEMPTS = 3


class _GraphMoved(Exception):
    """An attempt's position at its end differs from its start: what changed, in one line."""


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

    def write_columns(self, columns: dict[str, Any]) -> None:
        batch = pa.RecordBatch.from_pydict(columns, schema=self.schema)
        if batch.num_rows:
            self._writer.write_batch(batch)
            self.rows += batch.num_rows

    def close(self) -> None:
        self._writer.close()


def _user_chunks(tx: ManagedTransaction, highest: int, size: int) -> Iterator[dict[str, Any]]:
    """The users, a chunk of node ids at a time, as parallel columns of USERS_SCHEMA (date_joined
    as epoch microseconds, which Arrow takes as they are)."""
    names = snapshot.USERS_SCHEMA.names
    for low, high in scan.id_chunks(highest, size):
        rows = scan.chunk(tx, "analytics/support/export_users", low, high)["rows"]
        if not rows:
            continue
        columns: dict[str, Any] = dict(zip(names, zip(*rows, strict=True), strict=True))
        # ISO text from the query, parsed by Arrow (a driver Date per value costs more).
        columns["date_of_birth"] = pa.array(columns["date_of_birth"], pa.string()).cast(pa.date32())
        yield columns


def _relationship_chunks(tx: ManagedTransaction, highest: int, size: int) -> Iterator[dict]:
    """The connections' and requests' columns, a chunk of relationship ids at a time."""
    for low, high in scan.id_chunks(highest, size):
        chunk: dict = {"ids": high - low + 1}
        for table in ("connections", "requests"):
            chunk[table] = scan.chunk(tx, f"analytics/support/export_{table}", low, high)
        requests = chunk["requests"]
        requests["rejected"] = [value for (value,) in requests["rejected"]]
        yield chunk


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
        position = self._read(timed)
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

    def _read(self, work) -> dict:
        """The position of the first attempt that saw the graph hold still (see ATTEMPTS)."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with scan.read_session(self.driver, self.database) as session:
                    return session.execute_read(work)
            except _GraphMoved as moved:
                if attempt == ATTEMPTS:
                    raise ExportError(
                        f"the graph changed while it was read, in each of {ATTEMPTS} attempts "
                        f"(last: {moved}); an export is one state of the graph: run it again "
                        "when writes pause"
                    ) from None
                print(
                    f"export: the graph changed while it was read ({moved}); reading it again",
                    file=sys.stderr,
                )
        raise AssertionError("unreachable")

    def _still(self, tx: ManagedTransaction, position: dict) -> None:
        """Raise _GraphMoved when the graph's position is no longer `position`."""
        now = scan.position(tx)
        if now != position:
            moved = ", ".join(
                f"{k} {position[k]} -> {now[k]}" for k in now if now[k] != position[k]
            )
            raise _GraphMoved(moved)

    def _bar(self, total: int, unit: str):
        from tqdm import tqdm

        return tqdm(
            total=total,
            unit=f" {unit}",
            desc=f"export {unit}",
            file=sys.stderr,
            disable=not self.progress,
            dynamic_ncols=True,
        )

    def _users(self, tx: ManagedTransaction, position: dict) -> Iterator[dict[str, Any]]:
        bar = self._bar(position["users"], "users")
        try:
            for columns in _user_chunks(tx, position["max_node_id"], self.page):
                yield columns
                bar.update(len(columns["id"]))
        finally:
            bar.close()

    def _relationships(self, tx: ManagedTransaction, position: dict) -> Iterator[dict]:
        highest = position["max_relationship_id"]
        bar = self._bar(highest + 1, "relationship ids")
        try:
            for chunk in _relationship_chunks(tx, highest, scan.relationship_chunk(self.page)):
                yield chunk
                bar.update(chunk["ids"])
        finally:
            bar.close()

    def _tables(self, tx: ManagedTransaction, out: Path, fmt: str) -> dict:
        # A retried transaction starts again from an empty folder: the writers truncate.
        position = scan.position(tx)
        writers = {
            table: _TableWriter(snapshot.table_path(out, table, fmt), schema, fmt)
            for table, schema in snapshot.SCHEMAS.items()
        }
        try:
            for columns in self._users(tx, position):
                writers["users"].write_columns(columns)
            for chunk in self._relationships(tx, position):
                for table in ("connections", "requests"):
                    writers[table].write_columns(chunk[table])
        finally:
            for writer in writers.values():
                writer.close()
        self._still(tx, position)
        written = {table: writer.rows for table, writer in writers.items()}
        expected = {table: position[table] for table in snapshot.TABLES}
        if written != expected:  # the graph held still: only a bug can make these differ
            raise ExportError(f"wrote {written} rows but the snapshot counts {expected}")
        return position

    def _graphml(self, tx: ManagedTransaction, out: Path) -> dict:
        position = scan.position(tx)
        if (
            position["users"] > GRAPHML_MAX_USERS
            or position["connections"] > GRAPHML_MAX_CONNECTIONS
        ):
            raise ExportError(
                f"GraphML is for graphs Gephi opens: at most {GRAPHML_MAX_USERS:,} users and "
                f"{GRAPHML_MAX_CONNECTIONS:,} connections, this one has {position['users']:,} "
                f"and {position['connections']:,}; use --format parquet"
            )
        path = out / "graph.graphml"
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
                '  <key id="username" for="node" attr.name="username" attr.type="string"/>\n'
                '  <key id="is_staff" for="node" attr.name="is_staff" attr.type="boolean"/>\n'
                '  <key id="created_at" for="edge" attr.name="created_at" attr.type="string"/>\n'
                '  <graph id="connections" edgedefault="undirected">\n'
            )
            # GraphML wants every node before the edges that name it: the scans come in that order.
            for columns in self._users(tx, position):
                for user_id, username, is_staff in zip(
                    columns["id"], columns["username"], columns["is_staff"], strict=True
                ):
                    handle.write(
                        f'    <node id="{user_id}"><data key="username">{_text(username)}'
                        f'</data><data key="is_staff">{"true" if is_staff else "false"}'
                        "</data></node>\n"
                    )
            for chunk in self._relationships(tx, position):
                edges = chunk["connections"]
                for a, b, created in zip(
                    edges["user_id"], edges["other_id"], edges["created_at"], strict=True
                ):
                    stamp = _utc(created)
                    handle.write(
                        f'    <edge source="{a}" target="{b}"><data key="created_at">'
                        f"{stamp.isoformat() if stamp else ''}</data></edge>\n"
                    )
            handle.write("  </graph>\n</graphml>\n")
        self._still(tx, position)
        return position


def _text(value: Any) -> str:
    return quoteattr(str(value or ""))[1:-1]

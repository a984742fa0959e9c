"""The export format: a folder of users, connections and requests tables and a manifest.

`connections export` writes it, `connections import --from` and `connections analyze --from`
read it. Parquet (default) or CSV hold the same columns; GraphML (users and connections only)
is for Gephi-sized graphs. Times are UTC timestamps (microseconds), ids 64-bit integers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

FORMAT_VERSION = 1
FORMATS = ("parquet", "csv", "graphml")
MANIFEST = "manifest.json"
TABLES = ("users", "connections", "requests")
TIMESTAMP = pa.timestamp("us", tz="UTC")

# The stored User fields (service.domain.users.USER_PROPERTIES), tags as stored, and is_staff.
USERS_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("username", pa.string()),
        ("real_name", pa.string()),
        ("email", pa.string()),
        ("email_isvalid", pa.bool_()),
        ("bio", pa.string()),
        ("location", pa.string()),
        ("location_lat_lng", pa.string()),
        ("position_lat_lng", pa.string()),
        ("date_of_birth", pa.date32()),
        ("description", pa.string()),
        ("gender", pa.string()),
        ("status", pa.string()),
        ("website", pa.string()),
        ("avatar", pa.string()),
        ("cover", pa.string()),
        ("ext_id", pa.string()),
        ("reputation", pa.int64()),
        ("posts_counter", pa.int64()),
        ("discussions_counter", pa.int64()),
        ("statuses_counter", pa.int64()),
        ("polls_counter", pa.int64()),
        ("tags_json", pa.string()),
        ("is_staff", pa.bool_()),
        ("date_joined", TIMESTAMP),
    ]
)
CONNECTIONS_SCHEMA = pa.schema(
    [("user_id", pa.int64()), ("other_id", pa.int64()), ("created_at", TIMESTAMP)]
)
REQUESTS_SCHEMA = pa.schema(
    [
        ("from_id", pa.int64()),
        ("to_id", pa.int64()),
        ("created_at", TIMESTAMP),
        ("rejected", TIMESTAMP),
    ]
)
SCHEMAS = {"users": USERS_SCHEMA, "connections": CONNECTIONS_SCHEMA, "requests": REQUESTS_SCHEMA}


class ExportError(Exception):
    """An export cannot be written or read as asked; one line for the analyst."""


@dataclass(frozen=True)
class Manifest:
    """What an export holds and which state of the graph it is."""

    format: str
    users: int
    connections: int
    requests: int
    event_id: int  # the event log's last id inside the snapshot's transaction
    exported_at: str  # ISO-8601 UTC
    seconds: float
    format_version: int = FORMAT_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


def table_path(folder: Path, table: str, fmt: str) -> Path:
    return folder / f"{table}.{fmt}"


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the export in `folder`; ExportError when it is missing or too new."""
    path = folder / MANIFEST
    try:
        raw: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError:
        raise ExportError(f"{folder} is not an export: no {MANIFEST}") from None
    except ValueError as exc:
        raise ExportError(f"{path} is not valid JSON ({exc})") from None
    if raw.get("format_version", 0) > FORMAT_VERSION:
        raise ExportError(
            f"{path}: format version {raw['format_version']} is newer than this tool's "
            f"({FORMAT_VERSION})"
        )
    try:
        return Manifest(**raw)
    except TypeError as exc:
        raise ExportError(f"{path}: not a manifest this tool reads ({exc})") from None


def read_batches(folder: Path, table: str, batch_rows: int = 100_000) -> Iterator[pa.RecordBatch]:
    """The rows of one table of an export, in batches (bounded memory), in the export's schema."""
    manifest = read_manifest(folder)
    if manifest.format == "graphml":
        raise ExportError(f"{folder}: a GraphML export is for Gephi; read a parquet or csv one")
    path = table_path(folder, table, manifest.format)
    if not path.exists():
        raise ExportError(f"{folder}: the export has no {path.name}")
    schema = SCHEMAS[table]
    if manifest.format == "parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows):
            yield batch.cast(schema) if batch.schema != schema else batch
        return
    import pyarrow.csv as pacsv

    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=1 << 24),
        convert_options=pacsv.ConvertOptions(
            column_types=schema, strings_can_be_null=True, quoted_strings_can_be_null=False
        ),
    )
    for batch in reader:
        yield batch.select(schema.names).cast(schema)


def read_table(folder: Path, table: str) -> pa.Table:
    """A whole table of an export (for the small graphs of tests and notebooks)."""
    batches = list(read_batches(folder, table))
    return pa.Table.from_batches(batches, schema=SCHEMAS[table])

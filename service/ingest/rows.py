"""Reading import files: users (JSON Lines), connections and requests (CSV), row by row.

Every row is validated with the API's own Marshmallow schemas and comes out as the stored row,
or as a `BadRow` saying where it is wrong and why; nothing here writes.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from marshmallow import ValidationError

from service.domain.schemas import ConnectionRequestRowSchema, ConnectionRowSchema, UserSchema
from service.domain.users import InvalidUser, first_error, stored_user

CONNECTIONS_HEADER = ("user_id", "other_id", "created_at")
REQUESTS_HEADER = ("from_id", "to_id", "created_at")


@dataclass(frozen=True)
class BadRow:
    """Where a row is wrong and why."""

    path: Path
    line: int
    field: str
    message: str
    fatal: bool = False  # the whole file is unusable (a wrong header): never skipped

    def describe(self) -> str:
        return f"{self.path}:{self.line}: field '{self.field}': {self.message}"


def count_lines(path: Path) -> int:
    """Lines in a file, fast (for the progress bar's total)."""
    total = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            total += chunk.count(b"\n")
    return total


def read_users(path: Path) -> Iterator[tuple[int, dict | BadRow]]:
    """(line, stored row or BadRow) for each non-blank line of a users JSON Lines file."""
    schema = UserSchema()
    with open(path, encoding="utf-8") as handle:
        for line_no, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as exc:
                yield line_no, BadRow(path, line_no, "-", f"not valid JSON ({exc.msg})")
                continue
            if not isinstance(raw, dict):
                yield line_no, BadRow(path, line_no, "-", "each line must be a JSON object")
                continue
            try:
                row = stored_user(raw, schema)
            except InvalidUser as exc:
                yield line_no, BadRow(path, line_no, exc.field, exc.message)
                continue
            yield line_no, row


def _read_csv(
    path: Path, header: tuple[str, ...], schema, to_row: Callable[[dict], dict]
) -> Iterator[tuple[int, dict | BadRow]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        columns = next(reader, None)
        if columns is None:
            return
        columns = [name.strip() for name in columns]
        if columns not in (list(header), list(header[:2])):
            yield (
                1,
                BadRow(
                    path,
                    1,
                    "-",
                    f"the header must be {','.join(header)}, got {','.join(columns)}",
                    fatal=True,
                ),
            )
            return
        for values in reader:
            line_no = reader.line_num
            if not values or not any(v.strip() for v in values):
                continue
            if len(values) != len(columns):
                yield (
                    line_no,
                    BadRow(
                        path, line_no, "-", f"expected {len(columns)} columns, got {len(values)}"
                    ),
                )
                continue
            data = {
                name: (value.strip() or None) for name, value in zip(columns, values, strict=True)
            }
            try:
                yield line_no, to_row(schema.load(data))
            except ValidationError as exc:
                name, message = first_error(exc.messages)
                yield line_no, BadRow(path, line_no, name, message)


def read_connections(path: Path) -> Iterator[tuple[int, dict | BadRow]]:
    """(line, {a, b, created_at} with a < b, or BadRow) for each row of a connections CSV."""

    def to_row(row: dict) -> dict:
        a, b = sorted((row["user_id"], row["other_id"]))
        return {"a": a, "b": b, "created_at": row["created_at"]}

    return _read_csv(path, CONNECTIONS_HEADER, ConnectionRowSchema(), to_row)


def read_requests(path: Path) -> Iterator[tuple[int, dict | BadRow]]:
    """(line, {from_id, to_id, created_at} or BadRow) for each row of a requests CSV."""
    return _read_csv(path, REQUESTS_HEADER, ConnectionRequestRowSchema(), dict)

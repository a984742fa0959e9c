"""An algorithm's values as output: rows for the table/CSV/JSON text, files, the summary line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from service.analytics.algorithms import AlgorithmResult
from service.analytics.catalogue import AnalyticsError, QueryResult


def _python(values: np.ndarray) -> list:
    return values.tolist()


def top_rows(ids: np.ndarray, result: AlgorithmResult, top: int | None) -> QueryResult:
    """`id` and the value, highest value first (ties by id), the first `top` (all if None)."""
    # lexsort sorts by the last key first: value descending, then id ascending.
    order = np.lexsort((ids, -result.values.astype(np.float64)))
    if top is not None:
        order = order[:top]
    top_ids, values = _python(ids[order]), _python(result.values[order])
    rows = [{"id": i, result.column: v} for i, v in zip(top_ids, values, strict=True)]
    return QueryResult(("id", result.column), rows)


def to_table(ids: np.ndarray, result: AlgorithmResult) -> pa.Table:
    """Every user's value, in id order."""
    return pa.table({"id": ids, result.column: result.values})


def write_file(ids: np.ndarray, result: AlgorithmResult, path: Path) -> None:
    """All values to `path`: Parquet for .parquet, CSV for .csv."""
    table = to_table(ids, result)
    try:
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            pq.write_table(table, path, compression="zstd")
        elif path.suffix == ".csv":
            import pyarrow.csv as pacsv

            pacsv.write_csv(table, path)
        else:
            raise AnalyticsError(f"--out {path}: name a .parquet or .csv file")
    except OSError as exc:
        raise AnalyticsError(f"cannot write {path}: {exc.strerror or exc}") from None


def describe_summary(users: int, connections: int, result: AlgorithmResult, seconds: float) -> str:
    """One line for stderr: the graph, the figures about the whole, the time it took."""
    figures = ", ".join(
        f"{k} {v:.6g}" if isinstance(v, float) else f"{k} {v}" for k, v in result.summary.items()
    )
    return (
        f"{result.algorithm} over {users:,} users and {connections:,} connections"
        f"{': ' + figures if figures else ''} ({seconds:.2f}s)"
    )

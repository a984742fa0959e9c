"""`connections analyze --write`: an algorithm's values stored on the :User nodes, in batches."""

from __future__ import annotations

import sys

import numpy as np
from neo4j import Driver

from service.analytics.algorithms import PROPERTIES, AlgorithmResult
from service.graph import cypher

DEFAULT_BATCH = 20_000


def _write_batch(tx, query: str, rows: list[dict]) -> None:
    tx.run(query, rows=rows).consume()


def write_values(
    driver: Driver,
    database: str,
    ids_array: np.ndarray,
    result: AlgorithmResult,
    *,
    batch: int = DEFAULT_BATCH,
    progress: bool = True,
) -> int:
    """Set the algorithm's property (`PROPERTIES`) on every user, one transaction per batch."""
    from tqdm import tqdm

    query = cypher.query(f"analytics/support/write_{PROPERTIES[result.algorithm]}")
    ids, values = ids_array.tolist(), result.values.tolist()
    written = 0
    with (
        driver.session(database=database) as session,
        tqdm(
            total=len(ids),
            unit=" users",
            desc="write",
            file=sys.stderr,
            disable=not progress,
            dynamic_ncols=True,
        ) as bar,
    ):
        for start in range(0, len(ids), batch):
            rows = [
                {"id": i, "value": v}
                for i, v in zip(
                    ids[start : start + batch], values[start : start + batch], strict=True
                )
            ]
            session.execute_write(_write_batch, query, rows)
            written += len(rows)
            bar.update(len(rows))
    return written

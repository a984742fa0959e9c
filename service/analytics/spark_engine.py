"""`connections analyze --engine spark`: PageRank, components and label propagation on Spark.

Over a Parquet export (`connections export`), on plain Spark DataFrames: GraphFrames' jars are
not on Maven Central for these Spark versions, so the three algorithms are written here the way
GraphFrames runs them (power iteration; min-label propagation; synchronous label propagation),
each iteration one join and one aggregation, its lineage cut by a local checkpoint. Runs in
local mode by default (`local[*]`) or on any Spark master by URL; needs `pip install -e
'.[spark]'` and Java 17+.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np

from service.analytics import snapshot
from service.analytics.algorithms import AlgorithmResult
from service.analytics.catalogue import AnalyticsError

MAX_ITERATIONS = 100
LABEL_PROPAGATION_ITERATIONS = 5  # GraphFrames' labelPropagation(maxIter=5) default
TOLERANCE = 1e-7  # PageRank: stop when the L1 change per user falls below this


def _session(master: str, partitions: int):
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise AnalyticsError(
            "--engine spark needs pyspark: pip install -e '.[spark]' (and Java 17+)"
        ) from None
    return (
        SparkSession.builder.master(master)
        .appName("connections-analyze")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.sql.adaptive.enabled", "true")
        .getOrCreate()
    )


def _pagerank(spark, users, edges, n: int, damping: float, iterations: int | None):
    from pyspark.sql import functions as F

    degrees = edges.groupBy("src").agg(F.count("*").alias("degree"))
    weighted = (
        edges.join(degrees, "src").select("src", "dst", (1.0 / F.col("degree")).alias("w")).cache()
    )
    dangling = users.join(degrees, users.id == degrees.src, "left_anti").select("id").cache()
    ranks = users.select("id", F.lit(1.0 / n).alias("rank")).localCheckpoint()
    limit = iterations or MAX_ITERATIONS
    for _ in range(limit):
        lost = dangling.join(ranks, "id").agg(F.sum("rank")).first()[0] or 0.0
        spread = (1.0 - damping) / n + damping * lost / n
        received = (
            weighted.join(ranks, weighted.src == ranks.id)
            .groupBy("dst")
            .agg(F.sum(F.col("w") * F.col("rank")).alias("received"))
        )
        new = (
            users.join(received, users.id == received.dst, "left")
            .select(
                "id", (F.lit(spread) + damping * F.coalesce("received", F.lit(0.0))).alias("rank")
            )
            .localCheckpoint()
        )
        change = (
            new.alias("a")
            .join(ranks.alias("b"), "id")
            .agg(F.sum(F.abs(F.col("a.rank") - F.col("b.rank"))))
            .first()[0]
        )
        ranks = new
        if iterations is None and change < TOLERANCE * n:
            break
    return ranks.withColumnRenamed("rank", "value")


def _components(spark, users, edges, iterations: int | None):
    from pyspark.sql import functions as F

    labels = users.select("id", F.col("id").alias("label")).localCheckpoint()
    for _ in range(iterations or MAX_ITERATIONS * 100):
        offered = edges.join(labels, edges.src == labels.id).select(
            F.col("dst").alias("id"), "label"
        )
        new = (
            labels.unionByName(offered).groupBy("id").agg(F.min("label").alias("label"))
        ).localCheckpoint()
        changed = new.alias("a").join(labels.alias("b"), "id").where("a.label < b.label").count()
        labels = new
        if changed == 0:
            break
    return labels.withColumnRenamed("label", "value")


def _label_propagation(spark, users, edges, iterations: int | None):
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    labels = users.select("id", F.col("id").alias("label")).localCheckpoint()
    best = Window.partitionBy("id").orderBy(F.col("votes").desc(), F.col("label").asc())
    for _ in range(iterations or LABEL_PROPAGATION_ITERATIONS):
        votes = (
            edges.join(labels, edges.src == labels.id)
            .groupBy(F.col("dst").alias("id"), "label")
            .agg(F.count("*").alias("votes"))
        )
        chosen = (
            votes.withColumn("rank", F.row_number().over(best))
            .where("rank = 1")
            .select("id", F.col("label").alias("new"))
        )
        labels = (
            labels.join(chosen, "id", "left")
            .select("id", F.coalesce("new", "label").alias("label"))
            .localCheckpoint()
        )
    return labels.withColumnRenamed("label", "value")


def _modularity(edges, labels, degrees_total: int) -> float:
    """Newman's modularity of `labels` (id, value) over the directed-both-ways `edges`."""
    from pyspark.sql import functions as F

    if degrees_total == 0:
        return 0.0
    two_m = float(degrees_total)
    tagged = edges.join(
        labels.withColumnRenamed("id", "src").withColumnRenamed("value", "a"), "src"
    )
    tagged = tagged.join(
        labels.withColumnRenamed("id", "dst").withColumnRenamed("value", "b"), "dst"
    )
    inside = tagged.where("a = b").count() / two_m
    per = tagged.groupBy("a").agg(F.count("*").alias("d"))
    spread = per.agg(F.sum((F.col("d") / two_m) ** 2)).first()[0] or 0.0
    return inside - spread


def _collected(values) -> tuple[np.ndarray, np.ndarray]:
    """(ids, values) of a Spark DataFrame {id, value}, in id order."""
    # Out through Parquet, not collect(): a million rows through the driver's Python is slow.
    scratch = Path(tempfile.mkdtemp(prefix="connections-spark-"))
    try:
        values.orderBy("id").write.mode("overwrite").parquet(str(scratch / "values"))
        import pyarrow.parquet as pq

        table = pq.read_table(scratch / "values").sort_by("id")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return table.column("id").to_numpy(), table.column("value").to_numpy()


def _named_by_smallest_member(ids: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Labels renamed after each group's smallest member, as the in-memory engine names them."""
    _, groups = np.unique(labels, return_inverse=True)
    smallest = np.full(groups.max(initial=0) + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(smallest, groups, ids)
    return smallest[groups]


def run(
    algorithm: str,
    folder: Path,
    *,
    master: str = "local[*]",
    damping: float = 0.85,
    iterations: int | None = None,
    seed: int = 1,
    partitions: int | None = None,
) -> tuple[np.ndarray, int, int, AlgorithmResult]:
    """(user ids, users, connections, result) of one algorithm over the export in `folder`."""
    manifest = snapshot.read_manifest(folder)
    if manifest.format != "parquet":
        raise AnalyticsError(
            f"--engine spark reads a Parquet export; {folder} is {manifest.format}"
        )
    spark = _session(master, partitions or (2 if master.startswith("local") else 200))
    from pyspark.sql import functions as F

    users = spark.read.parquet(str(folder / "users.parquet")).select("id").cache()
    pairs = spark.read.parquet(str(folder / "connections.parquet")).select(
        F.col("user_id").alias("src"), F.col("other_id").alias("dst")
    )
    edges = pairs.unionByName(pairs.select(F.col("dst").alias("src"), F.col("src").alias("dst")))
    edges = edges.cache()
    n = manifest.users
    summary: dict[str, float | int | str] = {"engine": f"spark {master}"}
    if algorithm == "pagerank":
        values = _pagerank(spark, users, edges, n, damping, iterations)
        column = "pagerank"
        summary["damping"] = damping
    elif algorithm == "components":
        values, column = _components(spark, users, edges, iterations), "component"
    elif algorithm == "communities":
        values, column = _label_propagation(spark, users, edges, iterations), "community"
        values = values.localCheckpoint()
        summary["modularity"] = _modularity(edges, values, 2 * manifest.connections)
        summary["method"] = "label propagation"
    else:
        raise AnalyticsError(f"--engine spark does not run {algorithm}")
    ids, result_values = _collected(values)
    if algorithm == "communities":
        result_values = _named_by_smallest_member(ids, result_values)
        summary["communities"] = len(np.unique(result_values))
    if algorithm == "components":
        summary["components"] = len(np.unique(result_values))
    return ids, n, manifest.connections, AlgorithmResult(algorithm, column, result_values, summary)

"""`connections analyze --plot`: the distribution of an algorithm's values as a PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from service.analytics.algorithms import AlgorithmResult
from service.analytics.catalogue import AnalyticsError


def _counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct value, how many times) for integer-valued results."""
    distinct, counts = np.unique(values, return_counts=True)
    return distinct, counts


def plot_result(result: AlgorithmResult, path: Path) -> None:
    """Log-log where the values are heavy-tailed: PageRank (log bins), core numbers, group sizes."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers; must precede any pyplot import
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 5), dpi=100)
    axes = figure.subplots()
    values = result.values
    if result.algorithm in ("communities", "components"):
        _, sizes = _counts(values)
        size, how_many = _counts(sizes)
        axes.loglog(size, how_many, "o", color="#3b6ea5")
        noun = "community" if result.algorithm == "communities" else "component"
        axes.set_xlabel(f"{noun} size (users, log)")
        axes.set_ylabel(f"{noun}s of that size (log)")
        axes.set_title(f"{noun} sizes: {len(sizes):,} {noun}s")
    elif result.algorithm == "kcore":
        core, how_many = _counts(values)
        shown = core > 0
        axes.loglog(core[shown], how_many[shown], "o", color="#3b6ea5")
        axes.set_xlabel("core number (log)")
        axes.set_ylabel("users (log)")
        axes.set_title("core-number distribution, log-log")
    else:
        positive = values[values > 0]
        if not len(positive):
            raise AnalyticsError(f"nothing to plot: no user has a {result.column} above 0")
        low, high = positive.min(), positive.max()
        bins = np.geomspace(low, high * 1.0001, 40) if high > low else np.array([low, low * 1.01])
        counts, edges = np.histogram(positive, bins=bins)
        centres = np.sqrt(edges[:-1] * edges[1:])
        shown = counts > 0
        axes.loglog(centres[shown], counts[shown], "o-", color="#3b6ea5")
        axes.set_xlabel(f"{result.column} (log bins)")
        axes.set_ylabel("users (log)")
        axes.set_title(
            f"{result.column} distribution, log-log ({len(values) - len(positive):,} at 0)"
        )
    axes.grid(True, which="major", alpha=0.3)
    try:
        figure.savefig(path, format="png")
    except OSError as exc:
        raise AnalyticsError(f"cannot write plot to {path}: {exc.strerror or exc}") from None

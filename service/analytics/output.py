"""How analytics results leave the CLI: table, CSV or JSON text, query plans, log-log PNG plots."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from service.analytics.catalogue import AnalyticsError, Catalogue, QueryResult

FORMATS = ("table", "csv", "json")


def _jsonable(value: Any) -> Any:
    """json.dumps fallback: Neo4j temporal values as ISO text, anything else as str."""
    iso = getattr(value, "iso_format", None)
    return iso() if callable(iso) else str(value)


def _cell(value: Any) -> str:
    """One value as table/CSV text; lists and maps as JSON so they stay machine-readable."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, default=_jsonable)
    if isinstance(value, (int, float, str)):
        return str(value)
    return _jsonable(value)


def _table(columns: list[str], rows: Iterable[list[str]], numeric: set[int]) -> str:
    rows = list(rows)
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(columns)]

    def line(cells: list[str]) -> str:
        padded = [
            cell.rjust(w) if i in numeric else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    out = [line(columns), line(["-" * w for w in widths])] + [line(r) for r in rows]
    return "\n".join(out) + "\n"


def format_rows(result: QueryResult, fmt: str = "table") -> str:
    """The result rows as text in `fmt` (table, csv or json); column order as the query returns."""
    columns = list(result.columns)
    if fmt == "json":
        return json.dumps(result.rows, default=_jsonable, indent=2) + "\n"
    cells = [[_cell(row.get(c)) for c in columns] for row in result.rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(cells)
        return buffer.getvalue()
    numeric = {
        i
        for i, c in enumerate(columns)
        if result.rows
        and all(
            isinstance(r.get(c), (int, float)) and not isinstance(r.get(c), bool)
            for r in result.rows
        )
    }
    count = len(result.rows)
    return _table(columns, cells, numeric) + f"({count} row{'' if count == 1 else 's'})\n"


def format_catalogue(catalogue: Catalogue, fmt: str = "table") -> str:
    """`--list`: every query with its parameters and one-line description."""
    if fmt == "json":
        return json.dumps(catalogue.describe(), indent=2) + "\n"
    rows = [
        [q.name, " ".join(p.usage() for p in q.params), ", ".join(q.columns), q.description]
        for q in catalogue
    ]
    columns = ["name", "params", "columns", "description"]
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([columns] + rows)
        return buffer.getvalue()
    return _table(columns, rows, set())


def _plan_tree(plan: dict[str, Any], depth: int = 0) -> list[str]:
    args = plan.get("args", {})
    figures = [f"{key}={plan[key]}" for key in ("rows", "dbHits") if key in plan]
    if "EstimatedRows" in args:
        figures.append(f"estimated={args['EstimatedRows']:.0f}")
    head = f"{'  ' * depth}+{plan.get('operatorType', '?').split('@')[0]}"
    details = f" {args['Details']}" if args.get("Details") else ""
    lines = [f"{head}{details}  ({', '.join(figures)})"]
    for child in plan.get("children", []):
        lines += _plan_tree(child, depth + 1)
    return lines


def format_plan(plan: dict[str, Any], fmt: str = "table") -> str:
    """Neo4j's plan: its own rendering when the server sends one, else an indented tree."""
    if fmt == "json":
        return json.dumps(plan, default=_jsonable, indent=2) + "\n"
    rendered = plan.get("args", {}).get("string-representation")
    if rendered:
        return rendered if rendered.endswith("\n") else rendered + "\n"
    return "\n".join(_plan_tree(plan)) + "\n"


def plot_loglog(result: QueryResult, x: str, y: str, path: Path, title: str) -> int:
    """Write a PNG histogram of `y` per `x` on log-log axes; returns how many bars it drew.

    Rows with x <= 0 or y <= 0 have no place on log axes; the title says how many were left out.
    """
    import matplotlib

    matplotlib.use("Agg")  # no display on servers; must precede any pyplot import
    from matplotlib.figure import Figure

    points = [
        (row[x], row[y])
        for row in result.rows
        if isinstance(row.get(x), (int, float)) and isinstance(row.get(y), (int, float))
    ]
    shown = [(px, py) for px, py in points if px > 0 and py > 0]
    if not shown:
        raise AnalyticsError(f"nothing to plot: no row has {x} > 0 and {y} > 0")
    left_out = sum(py for px, py in points if px <= 0 and py > 0)
    figure = Figure(figsize=(8, 5), dpi=100)
    axes = figure.subplots()
    xs, ys = zip(*shown, strict=True)
    # 20% of x looks equally wide on a log axis; capped below 1 so neighbours never overlap.
    axes.bar(xs, ys, width=[min(0.8, 0.2 * px) for px in xs], color="#3b6ea5", linewidth=0)
    axes.plot(xs, ys, "o", markersize=2, color="#1d3f66")  # keeps thin high-degree bars visible
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_ylim(bottom=0.8)
    axes.set_xlabel(f"{x} (log)")
    axes.set_ylabel(f"{y} (log)")
    note = f"\n({left_out} {y} with {x} 0 not shown)" if left_out else ""
    axes.set_title(f"{title}: {y} per {x}, log-log{note}")
    axes.grid(True, which="major", alpha=0.3)
    try:
        figure.savefig(path, format="png")
    except OSError as exc:
        raise AnalyticsError(f"cannot write plot to {path}: {exc.strerror or exc}") from None
    return len(shown)

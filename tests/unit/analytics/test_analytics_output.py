"""Analytics output: table, CSV and JSON text, plans, and the log-log PNG."""

import csv
import io
import json

import pytest

from service.analytics.catalogue import AnalyticsError, Catalogue, QueryResult
from service.analytics.output import format_catalogue, format_plan, format_rows, plot_loglog

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

RESULT = QueryResult(
    columns=("length", "path", "name"),
    rows=[
        {"length": 2, "path": [1, 5, 9], "name": "ann"},
        {"length": 10, "path": [], "name": None},
    ],
)


def test_table_aligns_numbers_right_and_counts_rows():
    assert format_rows(RESULT, "table") == (
        "length  path       name\n"
        "------  ---------  ----\n"
        "     2  [1, 5, 9]  ann\n"
        "    10  []\n"
        "(2 rows)\n"
    )


def test_empty_table_still_shows_the_columns():
    text = format_rows(QueryResult(("length", "path"), []), "table")
    assert text.splitlines()[0] == "length  path"
    assert text.endswith("(0 rows)\n")


def test_csv_has_a_header_and_json_lists():
    rows = list(csv.reader(io.StringIO(format_rows(RESULT, "csv"))))
    assert rows == [["length", "path", "name"], ["2", "[1, 5, 9]", "ann"], ["10", "[]", ""]]
    assert json.loads(rows[1][1]) == [1, 5, 9]


def test_json_keeps_types():
    assert json.loads(format_rows(RESULT, "json")) == RESULT.rows


def test_float_and_bool_cells():
    result = QueryResult(("c", "ok"), [{"c": 0.25, "ok": True}])
    assert format_rows(result, "csv") == "c,ok\n0.25,true\n"


def test_catalogue_listing_in_each_format():
    catalogue = Catalogue.load()
    listed = json.loads(format_catalogue(catalogue, "json"))
    assert [q["name"] for q in listed] == sorted(q.name for q in catalogue)
    table = format_catalogue(catalogue, "table")
    assert "shortest_path" in table and "a:user b:user [max_depth:int=6 (1..6)]" in table
    rows = list(csv.reader(io.StringIO(format_catalogue(catalogue, "csv"))))
    assert rows[0] == ["name", "params", "columns", "description"]
    assert len(rows) == len(listed) + 1


PLAN = {
    "operatorType": "ProduceResults@neo4j",
    "args": {"Details": "x", "EstimatedRows": 1.0},
    "rows": 3,
    "dbHits": 0,
    "children": [
        {
            "operatorType": "AllNodesScan@neo4j",
            "rows": 3,
            "dbHits": 4,
            "args": {"Details": "n", "EstimatedRows": 10.0},
            "children": [],
        }
    ],
}


def test_plan_prefers_neo4j_rendering():
    plan = {**PLAN, "args": {**PLAN["args"], "string-representation": "Planner COST\n| +X |"}}
    assert format_plan(plan, "table") == "Planner COST\n| +X |\n"


def test_plan_falls_back_to_a_tree_and_json():
    assert format_plan(PLAN, "table") == (
        "+ProduceResults x  (rows=3, dbHits=0, estimated=1)\n"
        "  +AllNodesScan n  (rows=3, dbHits=4, estimated=10)\n"
    )
    assert json.loads(format_plan(PLAN, "json"))["children"][0]["dbHits"] == 4


def test_plot_writes_a_real_png(tmp_path):
    rows = [{"degree": 0, "users": 5}] + [
        {"degree": d, "users": max(1, 1000 // d**2)} for d in range(1, 60)
    ]
    target = tmp_path / "degrees.png"
    drawn = plot_loglog(
        QueryResult(("degree", "users"), rows), "degree", "users", target, "degree_distribution"
    )
    data = target.read_bytes()
    assert data[:8] == PNG_MAGIC
    assert len(data) > 10_000  # axes, bars and labels, not an empty canvas
    assert drawn == 59  # degree 0 has no place on a log axis


def test_plot_with_nothing_positive_is_an_error(tmp_path):
    with pytest.raises(AnalyticsError, match="nothing to plot"):
        plot_loglog(
            QueryResult(("degree", "users"), [{"degree": 0, "users": 3}]),
            "degree",
            "users",
            tmp_path / "x.png",
            "t",
        )


def test_plot_to_an_unwritable_place_is_one_clear_error(tmp_path):
    with pytest.raises(AnalyticsError, match="cannot write plot to"):
        plot_loglog(
            QueryResult(("degree", "users"), [{"degree": 1, "users": 3}]),
            "degree",
            "users",
            tmp_path / "missing" / "x.png",
            "t",
        )

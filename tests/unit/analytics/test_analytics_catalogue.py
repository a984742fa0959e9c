"""The analytics catalogue: its interface (names, params, columns) and the header contract."""

import re

import pytest

from service.analytics import catalogue as analytics
from service.analytics.catalogue import Catalogue, CatalogueError, ParameterError, parse_query

# The interface scripts rely on (issue 6): query -> (parameter names, result columns).
INTERFACE = {
    "mutual_connections": (["a", "b"], ("id", "username")),
    "shortest_path": (["a", "b", "max_depth"], ("length", "path")),
    "suggestions": (["user", "limit", "skip"], ("id", "mutual_count")),
    "suggestions_count": (["user"], ("total",)),
    "khop_size": (["user", "k"], ("k", "size")),
    "top_connected": (["n"], ("id", "username", "degree")),
    "degree_distribution": ([], ("degree", "users")),
    "clustering_coefficient": (["user"], ("coefficient",)),
    "triangles": (["user"], ("triangles",)),
    # Over the values `connections analyze --write` stores (issue 20).
    "top_pagerank": (["n"], ("id", "username", "pagerank")),
    "community_members": (
        ["user", "limit", "offset"],
        ("community_id", "community_size", "id", "username"),
    ),
    "community_sizes": (["n"], ("community_id", "size")),
}

GOOD = """\
// Something useful about a user.
// A second line of explanation.
// columns: id, score
// param user: user as $user_id -- whose
// param limit: int = 20 in 1..100 -- how many
// param ratio: float = 0.5 -- a weight
// param label: str = x -- a label
// param strict: bool = false -- a flag
// plot: id, score
MATCH (u:User {id: $user_id}) WHERE $ratio > 0 AND $label <> '' AND $strict IS NOT NULL
RETURN u.id AS id, 1 AS score LIMIT $limit
"""


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue.load()


def test_catalogue_has_exactly_the_interface(catalogue):
    got = {q.name: ([p.name for p in q.params], q.columns) for q in catalogue}
    assert got == INTERFACE


def test_required_and_optional_params_match_the_issue(catalogue):
    optional = {q.name: [p.name for p in q.params if not p.required] for q in catalogue}
    assert optional["shortest_path"] == ["max_depth"]
    assert optional["suggestions"] == ["limit", "skip"]
    assert optional["top_connected"] == ["n"]
    assert optional["khop_size"] == []
    assert catalogue.get("khop_size").param("k").maximum == 3


def test_shortest_path_depth_is_bounded_by_the_literal_cap(catalogue):
    query = catalogue.get("shortest_path")
    cap = int(re.search(r"CONNECTED_TO\*\.\.(\d+)", query.text).group(1))
    assert query.param("max_depth").maximum == cap == 6


def test_suggestions_binds_the_endpoint_parameter_names(catalogue):
    bound = catalogue.get("suggestions").bind({"user": "5"})
    assert bound == {"user_id": 5, "limit": 20, "skip": 0}


def test_only_degree_distribution_plots(catalogue):
    assert {q.name: q.plot for q in catalogue if q.plot} == {
        "degree_distribution": ("degree", "users")
    }


def test_catalogue_queries_do_not_write(catalogue):
    # The server enforces read-only; this catches a writing file before anyone runs it.
    writes = re.compile(
        r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DETACH|LOAD\s+CSV|FOREACH)\b", re.IGNORECASE
    )
    for query in catalogue:
        body = "\n".join(ln for ln in query.text.splitlines() if not ln.lstrip().startswith("//"))
        assert not writes.search(body), query.name


def test_unknown_query_names_the_list_command(catalogue):
    with pytest.raises(analytics.UnknownAnalyticsQuery, match="--list"):
        catalogue.get("friends_of_enemies")


def test_header_is_parsed_into_types_defaults_ranges_and_bindings():
    query = parse_query("demo", GOOD)
    assert query.description == "Something useful about a user."
    assert query.notes == ("A second line of explanation.",)
    assert query.columns == ("id", "score")
    assert query.plot == ("id", "score")
    user, limit, ratio, label, strict = query.params
    assert (user.type, user.binds, user.required) == ("user", "user_id", True)
    assert (limit.default, limit.minimum, limit.maximum, limit.required) == (20, 1, 100, False)
    assert (ratio.default, label.default, strict.default) == (0.5, "x", False)
    assert [p.usage() for p in query.params] == [
        "user:user",
        "[limit:int=20 (1..100)]",
        "[ratio:float=0.5]",
        "[label:str=x]",
        "[strict:bool=False]",
    ]


def test_every_paging_parameter_is_bounded_below_neo4js_long_range(catalogue):
    # SKIP + LIMIT past 2**63 overflows inside Neo4j; a bound keeps it a parameter error.
    with pytest.raises(ParameterError, match="skip must be at most"):
        catalogue.get("suggestions").bind({"user": "5", "skip": str(2**63 - 10)})
    for query in catalogue:
        for name in ("skip", "limit", "n"):
            if name in {p.name for p in query.params}:
                assert query.param(name).maximum is not None, (query.name, name)


def test_bind_converts_and_fills_defaults():
    query = parse_query("demo", GOOD)
    assert query.bind({"user": "7", "ratio": "2.5", "strict": "yes", "label": "a=b"}) == {
        "user_id": 7,
        "limit": 20,
        "ratio": 2.5,
        "label": "a=b",
        "strict": True,
    }
    assert query.users_in({"user_id": 7}) == [("user", 7)]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, "needs --param user=<user>"),
        ({"user": "abc"}, "parameter user must be a user id (an integer), got 'abc'"),
        ({"user": "1.5"}, "must be a user id"),
        ({"user": "1", "limit": "0"}, "parameter limit must be at least 1, got 0"),
        ({"user": "1", "limit": "101"}, "parameter limit must be at most 100, got 101"),
        ({"user": "1", "limit": "ten"}, "parameter limit must be an integer, got 'ten'"),
        ({"user": "1", "ratio": "nan"}, "parameter ratio must be a finite number"),
        ({"user": "1", "ratio": "x"}, "parameter ratio must be a number"),
        ({"user": "1", "strict": "maybe"}, "parameter strict must be true or false"),
        ({"user": "1", "depth": "3"}, "has no parameter 'depth' (parameters: user, limit,"),
    ],
)
def test_bad_parameters_are_one_clear_error(raw, message):
    with pytest.raises(ParameterError) as info:
        parse_query("demo", GOOD).bind(raw)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("MATCH (n) RETURN n", "first // line must describe"),
        ("// columns: a\nRETURN 1 AS a", "first // line must describe"),
        ("// Describes.\nRETURN 1 AS a", "needs a 'columns: a, b' line"),
        ("// Describes.\n// columns: a\nRETURN $x AS a", "uses $x"),
        ("// Describes.\n// columns: a\n// param x: int -- x\nRETURN 1 AS a", "declares $x"),
        (
            "// Describes.\n// columns: a\n// param x: date -- x\nRETURN $x AS a",
            "unknown type 'date'",
        ),
        (
            "// Describes.\n// columns: a\n// param x int -- x\nRETURN $x AS a",
            "cannot read parameter",
        ),
        ("// Describes.\n// columns: a\n// param x: int = y -- x\nRETURN $x AS a", "bad default"),
        (
            "// Describes.\n// columns: a\n// param x: int = 9 in 1..5 -- x\nRETURN $x AS a",
            "bad default",
        ),
        ("// Describes.\n// columns: a\n// plot: a, b\nRETURN 1 AS a", "plot columns"),
        (
            "// Describes.\n// columns: a\n// param x: str in 1..3 -- x\nRETURN $x AS a",
            "only int and float parameters take a range",
        ),
        (
            "// Describes.\n// columns: a\n// param x: int -- x\n// param x: int -- y\nRETURN $x AS a",
            "declared twice",
        ),
    ],
)
def test_malformed_headers_fail_at_load(text, message):
    with pytest.raises(CatalogueError, match=re.escape(message)):
        parse_query("broken", text)


def test_load_takes_top_level_files_only(tmp_path):
    (tmp_path / "support").mkdir()
    (tmp_path / "support" / "helper.cypher").write_text("// Helper.\nRETURN 1 AS x\n")
    (tmp_path / "demo.cypher").write_text(GOOD)
    catalogue = Catalogue.load(tmp_path)
    assert [q.name for q in catalogue] == ["demo"]


def test_load_reports_a_broken_file_by_name(tmp_path):
    (tmp_path / "oops.cypher").write_text("// Oops.\nRETURN 1 AS x\n")
    with pytest.raises(CatalogueError, match=r"^oops\.cypher: "):
        Catalogue.load(tmp_path)


def test_describe_is_json_ready(catalogue):
    entry = next(d for d in catalogue.describe() if d["name"] == "shortest_path")
    assert entry["columns"] == ["length", "path"]
    assert entry["params"][2] == {
        "name": "max_depth",
        "type": "int",
        "required": False,
        "default": 6,
        "min": 1,
        "max": 6,
        "description": "longest path to look for (hops)",
    }

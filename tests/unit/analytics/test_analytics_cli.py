"""`connections query` without a database: listing and every way the input can be wrong."""

import json

import pytest

from service import cli


def run(capsys, *argv):
    code = cli.main(["query", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_every_query_with_params_and_description(capsys):
    code, out, err = run(capsys, "--list")
    assert code == 0 and err == ""
    line = next(ln for ln in out.splitlines() if ln.startswith("suggestions "))
    assert "user:user [limit:int=20 (1..10000)]" in line
    assert "Friend-of-friend suggestions" in line


def test_list_as_json_is_the_catalogue(capsys):
    code, out, _ = run(capsys, "--list", "--format", "json")
    assert code == 0
    names = [q["name"] for q in json.loads(out)]
    assert {
        "mutual_connections",
        "shortest_path",
        "suggestions",
        "khop_size",
        "top_connected",
        "degree_distribution",
        "clustering_coefficient",
        "triangles",
    } <= set(names)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "name a query to run, or list them with --list"),
        (["friends_of_enemies"], "unknown query 'friends_of_enemies'"),
        (["shortest_path", "-p", "a=1"], "query shortest_path needs --param b=<user>"),
        (
            ["shortest_path", "-p", "a=1", "-p", "b=2", "-p", "max_depth=7"],
            "parameter max_depth must be at most 6, got 7",
        ),
        (["khop_size", "-p", "user=1", "-p", "k=0"], "parameter k must be at least 1, got 0"),
        (["triangles", "-p", "user=bob"], "parameter user must be a user id (an integer)"),
        (["triangles", "-p", "user"], "--param needs name=value, got 'user'"),
        (["triangles", "-p", "user=1", "-p", "user=2"], "parameter user given twice"),
        (["triangles", "-p", "who=1"], "query triangles has no parameter 'who'"),
        (["top_connected", "--plot", "x.png"], "query top_connected has nothing to plot"),
        (["degree_distribution", "--explain", "--plot", "x.png"], "--plot cannot be combined"),
    ],
)
def test_bad_input_is_one_error_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("connections: error: ") and message in err


def test_timeout_and_row_limit_must_be_positive(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["query", "top_connected", "--timeout", "0"])
    assert info.value.code == 2
    assert "must be > 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["query", "top_connected", "--max-rows", "many"])
    assert "not a number" in capsys.readouterr().err


def test_explain_and_profile_exclude_each_other(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["query", "top_connected", "--explain", "--profile"])
    assert info.value.code == 2

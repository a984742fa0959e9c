"""`connections analyze` on a real Neo4j: loading, every output, --write and the catalogue over it."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pyarrow.parquet as pq
import pytest

from service import cli
from service.analytics import algorithms, loaded_graph
from service.analytics.export import Exporter
from tests.integration.analytics import analytics_graphs

pytestmark = pytest.mark.integration


def club() -> nx.Graph:
    graph = nx.relabel_nodes(nx.les_miserables_graph(), {})
    graph = nx.convert_node_labels_to_integers(nx.Graph(graph.edges), first_label=1)
    graph.add_nodes_from([500, 501])  # isolated users
    return graph


@pytest.fixture
def seeded(clean_db, neo4j_settings, cli_env):
    graph = club()
    analytics_graphs.seed(clean_db, neo4j_settings.neo4j_database, graph, requests=[(500, 501)])
    return graph


def run(capsys, *argv):
    code = cli.main(["analyze", *argv, "--no-progress"])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_graph_loaded_from_neo4j_is_the_seeded_graph(seeded, clean_db, neo4j_settings):
    loaded = loaded_graph.from_neo4j(
        clean_db, neo4j_settings.neo4j_database, page=7, progress=False
    )
    assert loaded.ids.tolist() == sorted(seeded)
    got = {
        tuple(sorted((int(loaded.ids[a]), int(loaded.ids[b]))))
        for a, b in loaded.graph.get_edgelist()
    }
    assert got == {tuple(sorted(e)) for e in seeded.edges}


def test_loading_from_an_export_gives_the_same_values(seeded, clean_db, neo4j_settings, tmp_path):
    Exporter(clean_db, neo4j_settings.neo4j_database, progress=False).export(tmp_path / "x")
    from_db = loaded_graph.from_neo4j(clean_db, neo4j_settings.neo4j_database, progress=False)
    from_files = loaded_graph.from_export(tmp_path / "x")
    for name in ("pagerank", "components", "kcore", "clustering"):
        a = algorithms.run(name, from_db).values
        b = algorithms.run(name, from_files).values
        assert np.allclose(a, b, rtol=0, atol=1e-12), name


def test_top_rows_as_json_match_networkx(seeded, capsys):
    code, out, err = run(capsys, "pagerank", "--top", "5", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    expected = nx.pagerank(seeded, tol=1e-12)
    best = sorted(seeded, key=lambda u: (-expected[u], u))[:5]
    assert [r["id"] for r in rows] == best
    assert all(abs(r["pagerank"] - expected[r["id"]]) < 1e-6 for r in rows)
    assert "pagerank over 79 users and 254 connections" in err


def test_out_file_and_plot_for_every_user(seeded, capsys, tmp_path):
    code, _, err = run(
        capsys, "kcore", "--out", str(tmp_path / "core.parquet"), "--plot", str(tmp_path / "c.png")
    )
    assert code == 0, err
    table = pq.read_table(tmp_path / "core.parquet")
    assert dict(
        zip(table["id"].to_pylist(), table["core"].to_pylist(), strict=True)
    ) == nx.core_number(seeded)
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    code, out, _ = run(capsys, "components", "--out", str(tmp_path / "c.csv"), "--format", "csv")
    assert code == 0 and out.startswith("id,component\n")
    assert (tmp_path / "c.csv").read_text().startswith('"id","component"')


def test_write_stores_values_and_the_catalogue_reads_them(seeded, capsys, clean_db, neo4j_settings):
    for name in ("pagerank", "communities", "components", "kcore", "clustering"):
        code, _, err = run(capsys, name, "--write", "--write-batch", "10")
        assert code == 0, err
    code, _, err = run(capsys, "betweenness", "--samples", "0", "--write")
    assert code == 0 and "stored betweenness on 79 users" in err
    records, _, _ = clean_db.execute_query(
        "MATCH (u:User) RETURN u.id AS id, u.pagerank AS pagerank, u.community_id AS community, "
        "u.component_id AS component, u.core_number AS core, u.clustering AS clustering, "
        "u.betweenness AS betweenness",
        database_=neo4j_settings.neo4j_database,
    )
    stored = {r["id"]: r for r in records}
    assert {u: stored[u]["core"] for u in seeded} == nx.core_number(seeded)
    exact = nx.betweenness_centrality(seeded)
    assert max(abs(stored[u]["betweenness"] - exact[u]) for u in seeded) < 1e-9
    assert stored[500]["component"] == 500

    code, out, _ = run_query(capsys, "top_pagerank", "n=3")
    rank = nx.pagerank(seeded, tol=1e-12)
    assert [r["id"] for r in json.loads(out)] == sorted(seeded, key=lambda u: (-rank[u], u))[:3]

    community = stored[1]["community"]
    members = sorted(u for u in seeded if stored[u]["community"] == community)
    code, out, _ = run_query(capsys, "community_members", "user=1", "limit=2", "offset=1")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == members[1:3]
    assert {r["community_size"] for r in rows} == {len(members)}

    code, out, _ = run_query(capsys, "community_sizes", "n=100")
    sizes = json.loads(out)
    counted: dict[int, int] = {}
    for u in seeded:
        counted[stored[u]["community"]] = counted.get(stored[u]["community"], 0) + 1
    assert {r["community_id"]: r["size"] for r in sizes} == counted
    assert [r["size"] for r in sizes] == sorted(counted.values(), reverse=True)


def run_query(capsys, name, *params):
    argv = ["query", name, "--format", "json"]
    for param in params:
        argv += ["-p", param]
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    return code, out, err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["pagerank", "--damping", "1.2"], "must be between 0 and 1"),
        (["betweenness", "--samples", "-1"], "must be >= 0"),
        (["kcore", "--engine", "spark", "--from", "."], "--engine spark runs pagerank"),
        (["pagerank", "--engine", "spark"], "give --from DIR"),
        (["pagerank", "--from", "/nonexistent"], "is not an export"),
        (["pagerank", "--out", "values.txt"], "name a .parquet or .csv file"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(seeded, capsys, argv, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) if "must be" in message else _nothing():
        code, _, err = run(capsys, *argv)
        assert code == 2 and message in err
    if "must be" in message:
        assert message in capsys.readouterr().err


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

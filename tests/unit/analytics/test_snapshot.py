"""The export format without a database: its columns, its manifest, reading it back."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from service import cli
from service.analytics import loaded_graph, snapshot
from service.analytics.snapshot import ExportError
from service.domain.users import USER_PROPERTIES
from tests.export_files import write_export


def test_users_columns_are_every_stored_user_field():
    assert snapshot.USERS_SCHEMA.names == [
        "id",
        *USER_PROPERTIES,
        "tags_json",
        "is_staff",
        "date_joined",
    ]


def test_a_folder_without_a_manifest_or_from_a_newer_tool_is_refused(tmp_path):
    with pytest.raises(ExportError, match="is not an export: no manifest.json"):
        snapshot.read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"format_version": 99}))
    with pytest.raises(ExportError, match="format version 99 is newer"):
        snapshot.read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("{")
    with pytest.raises(ExportError, match="not valid JSON"):
        snapshot.read_manifest(tmp_path)


def test_an_export_loads_as_its_graph(tmp_path):
    graph = nx.convert_node_labels_to_integers(nx.karate_club_graph(), 1)
    write_export(tmp_path / "x", graph)
    loaded = loaded_graph.from_export(tmp_path / "x")
    assert loaded.ids.tolist() == list(range(1, 35))
    assert loaded.connections == graph.number_of_edges()


def test_a_connection_to_a_missing_user_is_refused(tmp_path):
    import numpy as np

    with pytest.raises(ExportError, match="names a user the graph does not have"):
        loaded_graph.from_edges(np.array([1, 2]), np.array([1]), np.array([3]))


def test_analyze_from_an_export_and_its_errors(tmp_path, capsys):
    write_export(tmp_path / "x", nx.convert_node_labels_to_integers(nx.karate_club_graph(), 1))
    assert cli.main(["analyze", "kcore", "--from", str(tmp_path / "x"), "--top", "2"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0].split() == ["id", "core"] and "kcore over 34 users" in err
    code = cli.main(
        ["analyze", "kcore", "--from", str(tmp_path / "x"), "--out", "/nonexistent/dir/x.csv"]
    )
    assert code == 2 and "No such file or directory" in capsys.readouterr().err

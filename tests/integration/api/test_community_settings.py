"""Community options live in Neo4j: the CLI shows and sets them, running apps follow within 5 s."""

from __future__ import annotations

import dataclasses
import time

import pytest
from falcon import testing

from service.api.app import create_app
from service.cli import main
from tests.conftest import point_the_cli_at
from tests.integration.seed import create_users, user_props


@pytest.fixture
def cli_env(monkeypatch, neo4j_settings, clean_db):
    point_the_cli_at(monkeypatch, neo4j_settings)
    monkeypatch.setenv("JWT_SECRET", "x" * 32)
    monkeypatch.delenv("FOLLOW_ENABLED", raising=False)
    monkeypatch.delenv("CONTENT_AVAILABILITY", raising=False)


def test_show_reports_defaults_then_set_values(cli_env, capsys):
    assert main(["settings", "show"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "follow_enabled=false (default)",
        "content_availability=true (default)",
    ]
    assert main(["settings", "set", "follow_enabled", "true"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "follow_enabled=true (database)",
        "content_availability=true (default)",
    ]
    assert main(["settings", "show"]) == 0
    assert "follow_enabled=true (database)" in capsys.readouterr().out


def test_environment_defaults_apply_when_unset(cli_env, monkeypatch, capsys):
    monkeypatch.setenv("CONTENT_AVAILABILITY", "false")
    assert main(["settings", "show"]) == 0
    assert "content_availability=false (default)" in capsys.readouterr().out


def test_a_change_reaches_running_apps_within_five_seconds(cli_env, neo4j_settings, graph):
    create_users(graph.driver, neo4j_settings.neo4j_database, [user_props(1)])
    settings = dataclasses.replace(neo4j_settings, jwt_secret="x" * 32)  # default 2 s refresh
    workers = [testing.TestClient(create_app(settings, graph=graph)) for _ in range(2)]
    assert all(w.simulate_get("/api/v2/user/1/connections/").status_code == 200 for w in workers)
    assert main(["settings", "set", "follow_enabled", "true"]) == 0
    deadline = time.monotonic() + 5
    pending = set(range(len(workers)))
    while pending and time.monotonic() < deadline:
        for i in list(pending):
            if workers[i].simulate_get("/api/v2/user/1/connections/").status_code == 403:
                pending.discard(i)
        time.sleep(0.1)
    assert not pending, "every worker must see the change within 5 seconds"


def test_settings_against_unreachable_neo4j_is_one_line(monkeypatch, capsys):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setenv("NEO4J_PASSWORD", "pw")
    monkeypatch.setenv("JWT_SECRET", "x" * 32)
    assert main(["settings", "show"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("connections: error:") and len(err.strip().splitlines()) == 1

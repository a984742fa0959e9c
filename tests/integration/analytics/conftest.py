"""The analytics CLI's tests run the real commands against the session's Neo4j."""

import os

import pytest


@pytest.fixture
def cli_env(monkeypatch, neo4j_settings):
    """The environment a `connections` command run by a test (or a job it starts) sees."""
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.neo4j_uri)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.neo4j_password)
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings.neo4j_database)
    return dict(os.environ)

"""The analytics CLI's tests run the real commands against the session's Neo4j."""

import pytest

from tests.conftest import point_the_cli_at


@pytest.fixture
def cli_env(monkeypatch, neo4j_settings):
    return point_the_cli_at(monkeypatch, neo4j_settings)

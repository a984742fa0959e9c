"""The query loader: every name the code uses exists; unknown names are errors."""

import re
from pathlib import Path

import pytest

from service.graph import cypher

SERVICE = Path(__file__).resolve().parents[3] / "service"


def test_every_query_name_used_in_code_exists():
    used = set()
    for path in SERVICE.rglob("*.py"):
        used |= set(re.findall(r"""cypher\.query\(\s*["']([\w/]+)["']""", path.read_text()))
    assert used, "expected the code to use named queries"
    assert used <= set(cypher.load_queries()), used - set(cypher.load_queries())


def test_unknown_query_is_an_error():
    with pytest.raises(cypher.UnknownQuery):
        cypher.query("api/does_not_exist")


def test_every_query_has_a_header_comment():
    for query in cypher.load_queries().values():
        assert query.header, f"{query.name}.cypher needs a // header saying what it returns"


def test_schema_queries_are_idempotent_statements():
    for name in cypher.names("schema/"):
        assert "IF NOT EXISTS" in cypher.query(name)

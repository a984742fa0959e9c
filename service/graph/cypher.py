"""Every query lives in a `.cypher` file under `cypher/`, loaded once and called by name."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from service.config import PROJECT_ROOT

CYPHER_DIR = PROJECT_ROOT / "cypher"


class UnknownQuery(KeyError):
    """The code asked for a query name with no `.cypher` file behind it."""


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    header: tuple[str, ...]


def _header(text: str) -> tuple[str, ...]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        lines.append(line[2:].strip())
    return tuple(lines)


@cache
def load_queries(root: Path = CYPHER_DIR) -> dict[str, Query]:
    """All queries under `root`, keyed by path without suffix (`api/user_connections`)."""
    queries = {}
    for path in sorted(root.rglob("*.cypher")):
        name = path.relative_to(root).with_suffix("").as_posix()
        text = path.read_text()
        queries[name] = Query(name=name, text=text, header=_header(text))
    return queries


def query(name: str) -> str:
    """The text of the named query; an unknown name is an error, never an empty query."""
    try:
        return load_queries()[name].text
    except KeyError:
        raise UnknownQuery(name) from None


def names(prefix: str = "") -> list[str]:
    return [name for name in load_queries() if name.startswith(prefix)]

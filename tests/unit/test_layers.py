"""The package layout is the architecture: dependencies point one way and never form a cycle."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import service

ROOT = Path(service.__file__).parent

# What each part of `service` may import from the others (its own modules always).
ALLOWED = {
    "config": set(),
    "observability": set(),
    "graph": {"config", "observability"},
    "domain": {"graph", "config", "observability"},
    "analytics": {"graph", "config"},
    "ops": {"graph", "config", "observability"},
    "ingest": {"graph", "domain", "ops", "config"},
    "webhooks": {"graph", "domain", "config", "observability"},
    "api": {"domain", "webhooks", "config", "graph.errors", "observability"},
    "cli": {"graph", "domain", "analytics", "ops", "ingest", "webhooks", "config"},
}
# The composition root wires the graph layer into the API.
EXTRA = {"service.api.app": {"graph"}}
NO_DRIVER = ("api", "domain", "webhooks")


def module_names() -> list[str]:
    names = ["service"]
    for info in pkgutil.walk_packages([str(ROOT)], prefix="service."):
        names.append(info.name)
    return sorted(names)


def source_path(name: str) -> Path:
    parts = name.split(".")[1:]
    package = ROOT.joinpath(*parts) / "__init__.py"
    return package if package.exists() else ROOT.joinpath(*parts).with_suffix(".py")


def imports_of(name: str) -> set[str]:
    """Every module named by an import anywhere in the file, function-local ones included."""
    tree = ast.parse(source_path(name).read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from service.graph import db` imports the module service.graph.db
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if candidate in MODULES:
                    found.add(candidate)
    return found


MODULES = set(module_names())


def part(name: str) -> str:
    return name.split(".")[1] if name.count(".") else ""


def allows(importer: str, imported: str) -> bool:
    own, other = part(importer), part(imported)
    if not other or own == other:
        return True
    rules = ALLOWED[own] | EXTRA.get(importer, set())
    rest = imported.removeprefix("service.")
    return any(rest == rule or rest.startswith(rule + ".") for rule in rules)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_imports(name):
    importlib.import_module(name)


def test_every_part_has_a_rule():
    assert {part(name) for name in MODULES if part(name)} == set(ALLOWED)


def test_dependencies_point_one_way():
    wrong = sorted(
        f"{name} imports {target}"
        for name in MODULES
        for target in imports_of(name)
        if target.startswith("service.") and target in MODULES and not allows(name, target)
    )
    assert wrong == []


def test_http_and_rules_never_touch_the_driver():
    wrong = sorted(
        f"{name} imports {target}"
        for name in MODULES
        if part(name) in NO_DRIVER
        for target in imports_of(name)
        if target == "neo4j" or target.startswith("neo4j.")
    )
    assert wrong == []


def test_no_import_cycle():
    edges = {name: {t for t in imports_of(name) if t in MODULES and t != name} for name in MODULES}
    # A package's __init__ is imported by its modules implicitly; that is not a cycle.
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, path: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycle.extend(path[path.index(nxt) :] + [node, nxt] if nxt in path else [node, nxt])
                return True
            if state.get(nxt) is None and visit(nxt, path + [node]):
                return True
        state[node] = 2
        return False

    for name in sorted(MODULES):
        if state.get(name) is None and visit(name, []):
            break
    assert cycle == []


def test_the_rule_catches_a_wrong_import():
    # The checker itself can fail: the graph layer importing HTTP would be reported.
    assert not allows("service.graph.store", "service.api.errors")
    assert not allows("service.api.resources", "service.graph.store")
    assert allows("service.api.app", "service.graph.store")
    assert allows("service.api.errors", "service.graph.errors")

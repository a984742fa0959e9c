"""The package layout is the architecture: dependencies point one way and never form a cycle."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import service

ROOT = Path(service.__file__).parent

# The one statement of the rules is each part's docstring (a package's `__init__.py`, or a
# top-level module's): `May import: a, b (why), c.` or `May import: nothing.`; optionally
# "Only `module` may also import: x." and "Never the neo4j driver." This file only reads them.
RULE = re.compile(r"^May import: (?P<rule>.+?)\.?$", re.M)
EXTRA_RULE = re.compile(r"^Only `(?P<module>\w+)` may also import: (?P<rule>[^(.]+)", re.M)
NO_DRIVER_RULE = "Never the neo4j driver"


def part_docstring(part: str) -> str:
    path = ROOT / part / "__init__.py"
    if not path.exists():
        path = ROOT / f"{part}.py"
    return ast.get_docstring(ast.parse(path.read_text())) or ""


def rule_names(text: str) -> set[str]:
    """`graph, domain (row schemas), config` -> {"graph", "domain", "config"}; `nothing` -> {}."""
    text = re.sub(r"\s*\([^)]*\)", "", text).strip()
    if text == "nothing":
        return set()
    return {name.strip() for name in text.split(",")}


def read_rules() -> tuple[dict[str, set[str]], dict[str, set[str]], set[str]]:
    """(what each part may import, what single modules may also import, parts kept off the driver)"""
    allowed, extra, no_driver = {}, {}, set()
    for path in sorted(ROOT.iterdir()):
        if path.name.startswith(("_", ".")) or not (path.suffix == ".py" or path.is_dir()):
            continue
        part = path.stem
        if path.is_dir() and not (path / "__init__.py").exists():
            continue
        doc = part_docstring(part)
        found = RULE.search(doc)
        allowed[part] = rule_names(found["rule"]) if found else None
        for match in EXTRA_RULE.finditer(doc):
            extra[f"service.{part}.{match['module']}"] = rule_names(match["rule"])
        if NO_DRIVER_RULE in doc:
            no_driver.add(part)
    return allowed, extra, no_driver


ALLOWED, EXTRA, NO_DRIVER = read_rules()


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
    rules = (ALLOWED[own] or set()) | EXTRA.get(importer, set())
    rest = imported.removeprefix("service.")
    return any(rest == rule or rest.startswith(rule + ".") for rule in rules)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_imports(name):
    importlib.import_module(name)


def test_every_part_has_a_rule():
    assert {part(name) for name in MODULES if part(name)} == set(ALLOWED)
    assert [name for name, rule in ALLOWED.items() if rule is None] == []


def test_every_rule_names_a_real_part():
    # A typo in a docstring's rule would otherwise allow nothing, or the wrong thing, silently.
    named = {rule for rules in [*ALLOWED.values(), *EXTRA.values()] for rule in rules or ()}
    assert {rule for rule in named if f"service.{rule}" not in MODULES} == set()
    assert {module for module in EXTRA if module not in MODULES} == set()


def test_the_rules_read_from_the_docstrings():
    # The parse itself: what the package docstrings say today.
    allowed, extra, no_driver = read_rules()
    assert allowed["config"] == set() and allowed["observability"] == set()
    assert allowed["ingest"] == {"graph", "domain", "ops", "config"}
    assert "graph.errors" in allowed["api"] and "graph" not in allowed["api"]
    assert extra == {"service.api.app": {"graph", "cache"}}
    assert no_driver == {"api", "cache", "domain", "webhooks"}


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
    assert not allows("service.graph.runner", "service.api.errors")
    assert not allows("service.api.resources", "service.graph.runner")
    assert allows("service.api.app", "service.graph.runner")
    assert allows("service.api.errors", "service.graph.errors")

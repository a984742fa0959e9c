"""The README is a door and the docs hold together: every relative link lands on a file."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from service import config

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# [text](target) outside code; images too. Absolute URLs and pure anchors are not files.
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
CODE = re.compile(r"`[^`\n]*`")
README_MAX_LINES = 250


def links(page: Path) -> list[str]:
    text = CODE.sub("", FENCE.sub("", page.read_text()))
    return LINK.findall(text)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = CODE.sub(lambda m: m.group(0).strip("`"), heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text())
    return {slug(line.lstrip("#")) for line in text.splitlines() if re.match(r"^#{1,6} ", line)}


def relative(target: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*:", target) and not target.startswith("#")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_at_a_file(page):
    broken = []
    for target in filter(relative, links(page)):
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve()
        if not resolved.exists():
            broken.append(target)
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{target} (no such heading)")
    assert broken == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_anchor_within_the_page_exists(page):
    missing = [t for t in links(page) if t.startswith("#") and t[1:] not in anchors(page)]
    assert missing == []


def test_the_readme_stays_a_door():
    lines = (ROOT / "README.md").read_text().count("\n")
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; depth goes in docs/"


def test_the_checker_sees_a_broken_link(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n[ok](page.md#title) [gone](nowhere.md) `[code](skipped.md)`\n")
    assert links(page) == ["page.md#title", "nowhere.md"]
    assert anchors(page) == {"title"}
    assert slug("The `connections` command: a test!") == "the-connections-command-a-test"


def test_every_setting_is_documented():
    # Each environment variable a Settings class reads appears in the docs (operating.md holds
    # the table; a topic page may hold its own).
    text = "".join(page.read_text() for page in PAGES)
    source = (ROOT / "service" / "config.py").read_text()
    names = set(re.findall(r'env\.get\("([A-Z_0-9]+)"', source))
    names |= set(re.findall(r'_env_\w+\(env, "([A-Z_0-9]+)"', source))
    for cls in (config.Settings, config.Neo4jServerSettings, config.RedisServerSettings):
        names |= {f.metadata["env"] for f in dataclasses.fields(cls) if "env" in f.metadata}
    assert sorted(name for name in names if f"`{name}`" not in text) == []

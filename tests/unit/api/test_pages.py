"""The pages as files and routes: served by the service itself, small, nothing from elsewhere."""

from __future__ import annotations

import re

import pytest

from service.api.pages import PAGES, STATIC_DIR
from tests.unit.api.client import make_client

# The explorer's own HTML, JavaScript and CSS (the graph library excluded): the budget.
EXPLORER_BUDGET = 100 * 1024
OWN_FILES = [p for p in STATIC_DIR.rglob("*") if p.is_file() and "vendor" not in p.parts]


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_is_html_under_a_same_origin_policy(path):
    resp = make_client().simulate_get(path)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/html")
    policy = resp.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', resp.text):
        assert make_client().simulate_get(asset).status_code == 200, asset


def test_the_bare_paths_redirect_keeping_the_query():
    resp = make_client().simulate_get("/explore", query_string="user=7")
    assert resp.status_code == 301 and resp.headers["Location"].endswith("/explore/?user=7")


def test_the_explorer_is_small():
    explorer = [p for p in OWN_FILES if "explore" in p.parts or p.name == "pages.css"]
    size = sum(p.stat().st_size for p in explorer)
    assert size < EXPLORER_BUDGET, {p.name: p.stat().st_size for p in explorer}


@pytest.mark.parametrize("path", OWN_FILES, ids=lambda p: p.name)
def test_nothing_is_fetched_from_another_origin(path):
    # Links in the landing page are to this service; no script, style or image elsewhere.
    assert not re.search(r"(?:src|href|url)\s*[=(]\s*[\"']?(?:https?:)?//", path.read_text())


def test_the_static_route_serves_the_libraries_and_nothing_above_them():
    client = make_client()
    resp = client.simulate_get("/static/vendor/cytoscape/cytoscape.min.js")
    assert resp.status_code == 200 and len(resp.content) > 100_000
    assert client.simulate_get("/static/../pages.py").status_code == 404

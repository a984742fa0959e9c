"""The API docs and the explorer in a real browser (issue 21): what a person sees and does."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.browser.conftest import PHONE, axe_violations, screenshot
from tests.integration.explore.graph import HUB, edges_among, neighbours

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.browser]


def operations(base_url: str) -> list[str]:
    with urllib.request.urlopen(base_url + "/api/v2/openapi.json", timeout=10) as resp:
        document = json.load(resp)
    return [op["operationId"] for path in document["paths"].values() for op in path.values()]


def test_root_links_to_the_docs_and_the_explorer(open_page):
    page = open_page("/")
    assert page.get_by_role("link", name="API documentation").get_attribute("href") == (
        "/api/v2/docs/"
    )
    page.get_by_role("link", name="Graph explorer").click()
    page.wait_for_url("**/explore/")


def test_docs_list_every_operation_and_try_one_out_with_a_token(open_page, base_url, token):
    page = open_page("/api/v2/docs/")
    expected = operations(base_url)
    page.wait_for_selector(".opblock")
    shown = page.eval_on_selector_all(".opblock", "els => els.map(e => e.id)")
    assert sorted(re.sub(r"^operations-[^-]+-", "", i) for i in shown) == sorted(expected)
    # Authorize with the Bearer token, then Try it out on an endpoint that needs it.
    page.get_by_role("button", name=re.compile("Authorize")).first.click()
    dialog = page.locator(".modal-ux")
    dialog.locator("input").first.fill(token)
    dialog.get_by_role("button", name="Apply credentials").click()
    dialog.get_by_role("button", name="Close").first.click()
    block = page.locator("[id$='-getUserSuggestion']")
    block.locator(".opblock-summary").first.click()
    block.get_by_role("button", name="Try it out").click()
    block.get_by_role("button", name="Execute").click()
    status = block.locator(".live-responses-table tr.response .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    assert "Authorization: Bearer " + token in block.locator(".curl").inner_text()
    assert '"results"' in block.locator(".live-responses-table .microlight").first.inner_text()


def drawn(page) -> tuple[int, int]:
    graph = page.locator("#graph")
    return int(graph.get_attribute("data-nodes")), int(graph.get_attribute("data-edges"))


def wait_drawn(page, nodes: int, edges: int) -> None:
    page.wait_for_selector(f"#graph[data-nodes='{nodes}'][data-edges='{edges}']")


def test_explorer_opens_a_user_and_draws_their_network(open_page):
    page = open_page("/explore/?user=1")
    ids = {1} | neighbours(1)
    wait_drawn(page, len(ids), len(edges_among(ids)))  # 5 users, 6 connections
    page.wait_for_selector("#card-name:text-is('user1')")  # the card comes with the list
    assert "community" in page.locator("#card-fields").inner_text()  # analytics, when present
    assert page.locator("#connections-list li").count() == 4
    page.get_by_label("Second hop").check()
    ids |= {6, 9}
    wait_drawn(page, len(ids), len(edges_among(ids)))  # and 6 and 9: 7 users, 9 connections


def test_a_shared_address_keeps_the_second_hop_and_a_drawn_user_recentres(open_page):
    page = open_page("/explore/?user=1&hops=2")
    wait_drawn(page, 7, 9)
    assert page.get_by_label("Second hop").is_checked()
    # The card and the list arrive after the drawing and move the graph's box down the page:
    # a click aimed before they land misses the node.
    page.wait_for_selector("#card-name:text-is('user1')")
    page.wait_for_function("document.querySelectorAll('#connections-list li').length === 4")
    # Cytoscape keeps its instance on the container (`_cyreg`): where user 6 was drawn
    x, y = page.evaluate(
        """() => { const p = document.getElementById('graph')._cyreg.cy
                     .getElementById('6').renderedPosition(); return [p.x, p.y]; }"""
    )
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url("**/explore/?user=6&hops=2")
    ids = {6} | neighbours(6)
    ids |= {n for i in neighbours(6) for n in neighbours(i)}  # the second hop: 1, 4 and 8
    wait_drawn(page, len(ids), len(edges_among(ids)))
    page.wait_for_selector("#card-name:text-is('user6')")


def test_explorer_pages_the_connections_and_recentres(open_page):
    page = open_page(f"/explore/?user={HUB}")
    wait_drawn(page, 13, 12)
    assert page.locator("#connections-page").inner_text() == "1–10 of 12"
    first = page.locator("#connections-list li").all_inner_texts()
    page.locator("#connections-next").click()
    page.wait_for_selector("#connections-page:text('11–12 of 12')")
    second = page.locator("#connections-list li").all_inner_texts()
    assert len(first) == 10 and len(second) == 2 and not set(first) & set(second)
    page.locator("#connections-prev").click()
    page.wait_for_selector("#connections-page:text('1–10 of 12')")
    # a user in the list re-centres the explorer, and the address can be shared
    page.locator("#connections-list li button").first.click()
    page.wait_for_url(re.compile(r"/explore/\?user=\d+$"))
    wait_drawn(page, 2, 1)


def test_an_unknown_user_is_explained_not_drawn(open_page):
    page = open_page("/explore/?user=999", allow="status of 404")
    page.wait_for_selector("#status:text('No active user has the id 999.')")
    assert page.locator("#workspace").is_hidden()


def test_explorer_search_is_paged(open_page):
    page = open_page("/explore/")
    page.get_by_label("Find a user by id or username").fill("user")
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector("#search-page:text('1–10 of 25')")
    page.locator("#search-next").click()
    page.wait_for_selector("#search-page:text('11–20 of 25')")
    page.get_by_label("Find a user by id or username").fill("7")
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector("#search-page:text('1–1 of 1')")
    page.locator("#search-list button").first.click()
    wait_drawn(page, 3, 2)  # 7: 6 and 8


def test_explorer_shows_a_shortest_path_and_mutual_connections(open_page):
    page = open_page("/explore/?user=4")
    wait_drawn(page, 3, 3)
    page.get_by_label("To user id").fill("11")
    page.get_by_role("button", name="Show path").click()
    page.wait_for_selector("#graph[data-path='4,1,5,9,10,11']")
    assert page.locator("#path-list li").count() == 6
    assert drawn(page) == (3 + 4, 3 + 4)  # 1 is drawn already; 5, 9, 10, 11 are added
    page.get_by_label("With user id").fill("2")
    page.get_by_role("button", name="Show mutual").click()
    page.wait_for_selector("#mutual-count:text('2 mutual connections')")


def test_explorer_suggests_with_mutual_counts_when_signed_in(open_page, token):
    page = open_page("/explore/?user=1")
    page.locator("#token-box summary").click()
    page.get_by_label("Bearer token").fill(token)
    page.get_by_role("button", name="Use token").click()
    page.wait_for_selector("#suggestions:not([hidden]) li")
    assert page.locator("#suggestions-list li").first.inner_text().endswith("2 mutual connections")


CONTROLS = {
    "/explore/?user=1": [
        "search-text",
        "token-box",
        "second-hop",
        "draw-limit",
        "connections-list",
        "path-to",
        "mutual-with",
    ],
    "/api/v2/docs/": ["authorize", "opblock"],
}


def focus_trail(page, presses: int) -> list[str]:
    trail = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        trail.append(
            page.evaluate(
                """() => { const e = document.activeElement;
                  const block = e.closest('.opblock') ? 'opblock' : '';
                  const auth = e.classList.contains('authorize') ? 'authorize' : '';
                  const list = e.closest('ul, details');
                  return auth || block || (list && list.id) || e.id || e.tagName; }"""
            )
        )
    return trail


@pytest.mark.parametrize("path", list(CONTROLS))
def test_the_controls_are_reachable_by_keyboard(open_page, path):
    page = open_page(path)
    page.wait_for_selector("#graph[data-nodes='5'], .opblock")
    trail = focus_trail(page, 40)
    missing = [c for c in CONTROLS[path] if c not in trail]
    assert missing == [], trail


@pytest.mark.parametrize("name,path", [("docs", "/api/v2/docs/"), ("explorer", "/explore/?user=1")])
def test_axe_finds_nothing_serious_and_screenshots(open_page, name, path):
    for width, viewport in (("desktop", None), ("phone", PHONE)):
        page = open_page(path, viewport) if viewport else open_page(path)
        page.wait_for_selector("#graph[data-nodes='5'], .opblock")
        assert axe_violations(page) == [], width
        # the explorer's column on a phone: the whole page, down to its drawing and lists
        screenshot(page, f"{name}-{width}", full_page=name == "explorer" and width == "phone")


def test_the_axe_check_sees_stock_swagger_uis_contrast(open_page):
    # Without docs.css, stock Swagger UI's colours fail: the check above is not vacuous.
    page = open_page("/api/v2/docs/")
    page.wait_for_selector(".opblock")
    page.evaluate("() => document.querySelector('link[href$=\"docs/docs.css\"]').remove()")
    assert "color-contrast" in {v["id"] for v in axe_violations(page)}

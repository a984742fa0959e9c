"""The HTTP surface through create_app() with a FakeGraph: rules, errors, headers, JSON only."""

from __future__ import annotations

import logging

import pytest

from service.graph.errors import GraphUnavailable
from tests.unit.api.client import bearer, make_client
from tests.unit.fakes import FakeGraph

PATH = "/api/v2/user/1/connections/"


def test_page_envelope_and_params_reach_the_graph():
    graph = FakeGraph()
    resp = make_client(graph).simulate_get(PATH, query_string="limit=2&offset=1")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.json["count"] == 3 and [u["id"] for u in resp.json["results"]] == [3, 4]
    assert graph.calls == [("list", 1, None, 1, 2)]


def test_viewer_id_is_passed_for_connection_status():
    graph = FakeGraph()
    make_client(graph).simulate_get(PATH, headers=bearer(2))
    assert graph.calls == [("list", 1, 2, 0, 20)]


def test_email_hidden_from_anonymous_and_others_shown_to_self_and_staff():
    graph = FakeGraph(staff={9})
    client = make_client(graph)

    def emails(headers=None):
        return {
            u["id"]: u["email"] for u in client.simulate_get(PATH, headers=headers).json["results"]
        }

    assert emails() == {2: None, 3: None, 4: None}
    assert emails(bearer(3)) == {2: None, 3: "user3@example.com", 4: None}
    assert emails(bearer(9)) == {i: f"user{i}@example.com" for i in (2, 3, 4)}


def test_settings_defaults_come_from_the_environment_settings():
    assert make_client(follow_enabled=True).simulate_get(PATH).status_code == 403
    assert make_client(content_availability=False).simulate_get(PATH).status_code == 401


def test_stored_options_override_the_defaults():
    graph = FakeGraph(options={"follow_enabled": False})
    assert make_client(graph, follow_enabled=True).simulate_get(PATH).status_code == 200


def test_auth_is_checked_before_params_and_user():
    client = make_client(FakeGraph(), content_availability=False)
    resp = client.simulate_get("/api/v2/user/77/connections/", query_string="limit=0")
    assert resp.status_code == 401


def test_inactive_token_user_is_401():
    resp = make_client(FakeGraph(inactive={2})).simulate_get(PATH, headers=bearer(2))
    assert resp.status_code == 401
    assert resp.json == {"detail": "Token user is not an active user."}


def test_graph_unavailable_is_503_with_retry_after(caplog):
    # The graph layer turns every driver failure into GraphUnavailable (integration-tested).
    resp = make_client(FakeGraph(fail=GraphUnavailable("down"))).simulate_get(PATH)
    assert resp.status_code == 503
    assert resp.headers["Retry-After"] == "5"
    assert resp.json == {"detail": "The graph database is unavailable; retry shortly."}


def test_ready_is_503_when_the_graph_is_down():
    resp = make_client(FakeGraph(fail=GraphUnavailable("down"))).simulate_get("/health/ready")
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "5"


def test_unexpected_error_is_500_json_without_traceback(caplog):
    graph = FakeGraph(fail=RuntimeError("secret internals"))
    with caplog.at_level(logging.ERROR):
        resp = make_client(graph).simulate_get(PATH)
    assert resp.status_code == 500
    assert resp.json == {"detail": "Internal server error."}
    assert "secret internals" not in resp.text and "Traceback" not in resp.text
    assert "unhandled error" in caplog.text


def test_unknown_user_is_404():
    resp = make_client().simulate_get("/api/v2/user/5/connections/")
    assert resp.status_code == 404 and resp.json == {"detail": "Not found."}


@pytest.mark.parametrize("user_id", ["1_0", "%D9%A3", "+1", "01x", "9" * 20, "0"])
def test_non_integer_ids_never_reach_the_graph(user_id):
    graph = FakeGraph()
    resp = make_client(graph).simulate_get(f"/api/v2/user/{user_id}/connections/")
    assert resp.status_code == 404 and graph.calls == []


def test_405_lists_allowed_methods_as_json():
    resp = make_client().simulate_delete(PATH)
    assert resp.status_code == 405
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"GET"}
    assert resp.json["detail"] == 'Method "DELETE" not allowed.'


def test_health_live_and_openapi_document():
    client = make_client()
    assert client.simulate_get("/health/live").json == {"status": "ok"}
    doc = client.simulate_get("/api/v2/openapi.json").json
    assert doc["openapi"].startswith("3.")
    operation = doc["paths"]["/api/v2/user/{id}/connections/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"id", "limit", "offset"}
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404", "503"} | {
        "408",  # docs/limits-and-abuse.md: the answers any operation can get before it runs
        "413",
        "414",
        "429",
        "431",
    }
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    user = doc["components"]["schemas"]["User"]["properties"]
    assert user["gender"]["enum"] == ["Male", "Female", "Unspecified"]
    assert user["connection_status"]["nullable"] is True

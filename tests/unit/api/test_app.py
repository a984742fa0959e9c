"""create_app wiring: health routes, JSON errors, and the driver closed at worker exit."""

from types import SimpleNamespace

import falcon.testing

from service.api.app import create_app
from service.config import Settings
from tests.unit.fakes import FakeGraph


def test_health_routes_and_json_404():
    settings = Settings(jwt_secret="x" * 32, allowed_hosts=(falcon.testing.helpers.DEFAULT_HOST,))
    client = falcon.testing.TestClient(create_app(settings, graph=FakeGraph()))
    assert client.simulate_get("/health/live").json == {"status": "ok"}
    assert client.simulate_get("/health/ready").json == {
        "status": "ok",
        "cache": {"state": "disabled"},
    }
    missing = client.simulate_get("/no/such/route")
    assert missing.status_code == 404 and "detail" in missing.json


def test_worker_exit_closes_the_workers_driver(monkeypatch, tmp_path):
    # The conf sets PROMETHEUS_MULTIPROC_DIR when imported; keep it out of this process.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    from service.ops import gunicorn_conf

    graph = FakeGraph()
    app = create_app(Settings(jwt_secret="x" * 32), graph=graph)
    gunicorn_conf.worker_exit(server=None, worker=SimpleNamespace(wsgi=app))
    assert graph.driver.closed is True

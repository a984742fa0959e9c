"""create_app wiring: health routes, JSON errors, and the driver closed at worker exit."""

from types import SimpleNamespace

import falcon.testing

from service.api.app import create_app
from service.config import Settings
from service.ops import gunicorn_conf


class FakeGraph:
    def __init__(self):
        self.driver = SimpleNamespace(
            closed=False, close=lambda: setattr(self.driver, "closed", True)
        )

    def ping(self):
        return True


def test_health_routes_and_json_404():
    client = falcon.testing.TestClient(create_app(Settings(jwt_secret="x" * 32), graph=FakeGraph()))
    assert client.simulate_get("/health/live").json == {"status": "ok"}
    assert client.simulate_get("/health/ready").json == {"status": "ok"}
    missing = client.simulate_get("/no/such/route")
    assert missing.status_code == 404 and "detail" in missing.json


def test_worker_exit_closes_the_workers_driver():
    graph = FakeGraph()
    app = create_app(Settings(jwt_secret="x" * 32), graph=graph)
    gunicorn_conf.worker_exit(server=None, worker=SimpleNamespace(wsgi=app))
    assert graph.driver.closed is True

"""The one access hook: every guarded route checks the token before anything else."""

from __future__ import annotations

import falcon
import pytest
from falcon import testing

from service.api.app import ACTION_ROUTES, api_routes, create_app
from service.api.auth import requires
from service.api.pagination import Pager
from service.api.schemas import ConnectionsQuerySchema
from service.config import Settings
from service.domain import auth
from service.domain.connections import Access, ConnectionsService, Viewer
from tests.unit.fakes import FakeGraph

SECRET = "unit-test-secret-0123456789abcdef0123"
SETTINGS = Settings(jwt_secret=SECRET, allowed_hosts=(testing.helpers.DEFAULT_HOST,))
POSTS = {f"connection/{action.value}/" for action in ACTION_ROUTES}
POSTS |= {"connection_requests/mark_seen/", "connection/statuses/"}


def route_paths() -> list[str]:
    graph = FakeGraph()
    service = ConnectionsService(graph, SETTINGS)
    pager = Pager(ConnectionsQuerySchema(), trust_forwarded=False)
    return [path.replace("{user_id:user_id}", "2") for path, _ in api_routes(service, pager)]


@pytest.mark.parametrize("path", route_paths())
def test_every_api_route_refuses_a_bad_token_before_reading_anything(path):
    graph = FakeGraph()
    client = testing.TestClient(create_app(SETTINGS, graph=graph))
    method = (
        client.simulate_post if any(path.endswith(tail) for tail in POSTS) else client.simulate_get
    )
    # A bad `limit` too: the token is checked first, so the answer is 401, not 400.
    resp = method(path, params={"limit": "x"}, headers={"Authorization": "Bearer x"})
    assert resp.status_code == 401, resp.json
    assert [call for call in graph.calls if call[0] != "find_viewer"] == []


class Recorder:
    """A resource whose service admits user 7 and records what the responder saw."""

    def __init__(self, viewer: Viewer | None):
        self.service = self
        self.viewer = viewer
        self.asked: list[tuple] = []
        self.seen: list[tuple] = []

    def admit(self, authorization: str | None, access: Access) -> Viewer | None:
        self.asked.append((authorization, access))
        return self.viewer

    @requires(Access.LIFECYCLE)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.seen.append((req.context.viewer, req.context.access))
        resp.media = {}


def test_the_hook_puts_the_viewer_and_the_rule_on_the_context():
    viewer = Viewer(user_id=7, is_staff=False)
    resource = Recorder(viewer)
    app = falcon.App()
    app.add_route("/x", resource)
    token = auth.mint_token(7, SECRET)
    testing.TestClient(app).simulate_get("/x", headers={"Authorization": f"Bearer {token}"})
    assert resource.asked == [(f"Bearer {token}", Access.LIFECYCLE)]
    assert resource.seen == [(viewer, Access.LIFECYCLE)]

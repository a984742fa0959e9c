"""What the resource tests share: the app through create_app() with a FakeGraph, and a token."""

from __future__ import annotations

from falcon import testing

from service.api.app import create_app
from service.config import Settings
from service.domain import auth
from tests.unit.fakes import FakeGraph

SECRET = "unit-test-secret-0123456789abcdef0123"


def make_client(graph: FakeGraph | None = None, **overrides) -> testing.TestClient:
    """The app over `graph` (a default FakeGraph), with Settings `overrides`."""
    overrides.setdefault("allowed_hosts", (testing.helpers.DEFAULT_HOST,))
    settings = Settings(jwt_secret=SECRET, settings_refresh_seconds=1e-9, **overrides)
    return testing.TestClient(create_app(settings, graph=graph or FakeGraph()))


def bearer(user_id: int) -> dict:
    """An Authorization header the app accepts for `user_id` (a minute's token)."""
    return {"Authorization": "Bearer " + auth.mint_token(user_id, SECRET, ttl_seconds=60)}

"""`create_app()`: the one place that wires settings, driver, graph layer and resources."""

from __future__ import annotations

import re

import falcon
import falcon.media
import orjson
from falcon.routing import BaseConverter

from service.api import resources
from service.api.errors import register_error_handlers
from service.api.middleware import AllowedHostsMiddleware, ReadinessGate, RequestContextMiddleware
from service.api.openapi import build_openapi
from service.api.schemas import ConnectionsQuerySchema
from service.config import Settings
from service.domain.community import CommunitySettings
from service.domain.connections import ConnectionsService
from service.domain.health import Readiness
from service.domain.schemas import MAX_INT64
from service.graph import db
from service.graph.breaker import CircuitBreaker
from service.graph.store import Graph
from service.observability import metrics

_USER_ID = re.compile(r"[0-9]{1,19}")


class UserIdConverter(BaseConverter):
    """ASCII digits within Neo4j's integer range; anything else is an unknown route (404)."""

    def convert(self, value: str) -> int | None:
        # Stricter than Falcon's `int` converter, which lets int() accept `1_0` and `٣`.
        if not _USER_ID.fullmatch(value):
            return None
        user_id = int(value)
        return user_id if 1 <= user_id <= MAX_INT64 else None


class ConnectionsApp(falcon.App):
    """falcon.App (which has __slots__) plus the graph, so gunicorn's worker_exit can close it."""

    graph = None


def json_handler() -> falcon.media.JSONHandler:
    """JSON in and out with orjson; the bench baseline uses the same handler."""
    # orjson serializes a 100-user page several times faster than the standard library.
    return falcon.media.JSONHandler(dumps=orjson.dumps, loads=orjson.loads)


def create_app(settings: Settings | None = None, graph=None) -> ConnectionsApp:
    """Build the WSGI app; gunicorn calls this in each worker, after fork."""
    settings = settings or Settings.from_env()
    if graph is None:
        driver = db.create_driver(settings)
        breaker = CircuitBreaker(probe_interval=settings.breaker_probe_seconds)
        graph = Graph(driver, settings.neo4j_database, settings.query_timeout, breaker=breaker)
    service = ConnectionsService(graph, settings, CommunitySettings(graph, settings))
    query_schema = ConnectionsQuerySchema(
        default_limit=settings.default_limit, max_limit=settings.max_limit
    )
    readiness = Readiness(graph, ttl=settings.readiness_cache_seconds)
    gated = (resources.UserConnectionsResource, resources.SuggestedUsersResource)

    app = ConnectionsApp(
        cors_enable=False,
        middleware=[
            RequestContextMiddleware(),  # first: every response, a refused one too, is logged
            AllowedHostsMiddleware(settings.allowed_hosts, settings.trust_forwarded),
            ReadinessGate(readiness, gated),
        ],
    )
    app.req_options.strip_url_path_trailing_slash = False
    app.req_options.keep_blank_qs_values = True  # `?limit=` is invalid, not silently absent
    app.router_options.converters["user_id"] = UserIdConverter
    handler = json_handler()
    app.req_options.media_handlers[falcon.MEDIA_JSON] = handler
    app.resp_options.media_handlers[falcon.MEDIA_JSON] = handler
    register_error_handlers(app)

    connections = resources.UserConnectionsResource(service, query_schema, settings.trust_forwarded)
    # The trailing slash is canonical (as in SelfCommunity); the bare form answers the same.
    app.add_route("/api/v2/user/{user_id:user_id}/connections/", connections)
    app.add_route("/api/v2/user/{user_id:user_id}/connections", connections)
    suggestions = resources.SuggestedUsersResource(service, query_schema, settings.trust_forwarded)
    app.add_route("/api/v2/suggestion/user/", suggestions)
    app.add_route("/api/v2/suggestion/user", suggestions)
    app.add_route("/api/v2/openapi.json", resources.OpenApiResource(build_openapi()))
    app.add_route("/health/live", resources.LiveResource())
    app.add_route("/health/ready", resources.ReadyResource(readiness))
    app.add_route("/metrics", resources.MetricsResource(metrics.render))
    app.graph = graph
    return app

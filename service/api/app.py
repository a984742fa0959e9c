"""`create_app()`: the one place that wires settings, driver, graph layer and resources."""

from __future__ import annotations

import re

import falcon
import falcon.media
import orjson
from falcon.routing import BaseConverter

from service.api import resources
from service.api.errors import register_error_handlers
from service.api.middleware import (
    AllowedHostsMiddleware,
    ETagMiddleware,
    ReadinessGate,
    RequestContextMiddleware,
)
from service.api.openapi import build_openapi
from service.api.schemas import ConnectionsQuerySchema
from service.api.webhooks import SelfCommunityWebhookResource
from service.cache.client import describe
from service.cache.layer import CachedGraph, cached_graph, open_client
from service.config import Settings
from service.domain.community import CommunitySettings
from service.domain.connections import ConnectionsService
from service.domain.health import Readiness
from service.domain.lifecycle import Action
from service.domain.ports import NO_CACHE, GraphPorts
from service.domain.schemas import is_user_id
from service.domain.sync import EventSync
from service.graph import db
from service.graph.breaker import CircuitBreaker
from service.graph.layer import open_graph
from service.graph.runner import Tuning
from service.observability import metrics
from service.webhooks.inbound import EventReceiver

_USER_ID = re.compile(r"[0-9]{1,19}")


class UserIdConverter(BaseConverter):
    """ASCII digits within Neo4j's integer range; anything else is an unknown route (404)."""

    def convert(self, value: str) -> int | None:
        # Stricter than Falcon's `int` converter, which lets int() accept `1_0` and `٣`.
        if not _USER_ID.fullmatch(value):
            return None
        user_id = int(value)
        return user_id if is_user_id(user_id) else None


class ConnectionsApp(falcon.App):
    """falcon.App (which has __slots__) plus the graph, so gunicorn's worker_exit can close it."""

    graph: GraphPorts | None = None


def json_handler() -> falcon.media.JSONHandler:
    """JSON in and out with orjson; the bench baseline uses the same handler."""
    # orjson serializes a 100-user page several times faster than the standard library.
    return falcon.media.JSONHandler(dumps=orjson.dumps, loads=orjson.loads)


def _add_routes(app: falcon.App, path: str, resource) -> None:
    """The trailing slash is canonical (as in SelfCommunity); the bare form answers the same."""
    app.add_route(path, resource)
    app.add_route(path.rstrip("/"), resource)


def open_graph_layer(settings: Settings) -> GraphPorts:
    """The worker's driver, runner and DAOs, with the cache in the read path unless
    CACHE_ENABLED is false; the breaker probes and warms up in the background."""
    driver = db.create_driver(settings)
    breaker = CircuitBreaker(probe_interval=settings.breaker_probe_seconds)
    tuning = Tuning(query_timeout=settings.query_timeout)
    graph = open_graph(driver, settings.neo4j_database, tuning, breaker)
    # Probe in the background and warm the queries up before closing (README "Failing fast").
    breaker.recover = graph.runner.recover
    if not settings.cache_enabled:
        return graph
    return cached_graph(graph, open_client(settings), settings)


def create_app(settings: Settings | None = None, graph: GraphPorts | None = None) -> ConnectionsApp:
    """Build the WSGI app; gunicorn calls this in each worker, after fork."""
    settings = settings or Settings.from_env()
    if graph is None:
        graph = open_graph_layer(settings)
    cached = graph if isinstance(graph, CachedGraph) else None
    invalidation = cached.invalidation if cached else NO_CACHE
    service = ConnectionsService(
        graph, settings, CommunitySettings(graph.community, settings), cache=invalidation
    )
    query_schema = ConnectionsQuerySchema(
        default_limit=settings.default_limit, max_limit=settings.max_limit
    )
    readiness = Readiness(graph.health, ttl=settings.readiness_cache_seconds)
    # Everything that queries Neo4j; health, metrics and the OpenAPI document do not.
    gated = (
        resources.UserConnectionsResource,
        resources.SuggestedUsersResource,
        resources.ConnectionActionResource,
        resources.MarkSeenResource,
        resources.ConnectionStatusResource,
        resources.IsConnectionResource,
        resources.UserResource,
        resources.UserCountersResource,
        resources.ConnectionStatusesResource,
        resources.ConnectionRequestsResource,
        SelfCommunityWebhookResource,
    )

    app = ConnectionsApp(
        cors_enable=False,
        middleware=[
            RequestContextMiddleware(),  # first: every response, a refused one too, is logged
            AllowedHostsMiddleware(settings.allowed_hosts, settings.trust_forwarded),
            ReadinessGate(readiness, gated),
            ETagMiddleware(),
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
    for action in (
        Action.REQUEST,
        Action.ACCEPT,
        Action.REJECT,
        Action.CANCEL_REJECT,
        Action.CANCEL_REQUEST,
        Action.REMOVE,
    ):
        _add_routes(
            app,
            f"/api/v2/user/{{user_id:user_id}}/connection/{action.value}/",
            resources.ConnectionActionResource(service, action),
        )
    per_user = {
        "connection_requests/mark_seen/": resources.MarkSeenResource(service),
        "connection_status/": resources.ConnectionStatusResource(service),
        "is_connection/": resources.IsConnectionResource(service),
        "counters/": resources.UserCountersResource(service),
        "": resources.UserResource(service),
    }
    for tail, resource in per_user.items():
        _add_routes(app, f"/api/v2/user/{{user_id:user_id}}/{tail}", resource)
    _add_routes(
        app, "/api/v2/user/connection/statuses/", resources.ConnectionStatusesResource(service)
    )
    for tail, direction in (("requests/", "received"), ("requests_sent/", "sent")):
        _add_routes(
            app,
            f"/api/v2/user/connection/{tail}",
            resources.ConnectionRequestsResource(
                service, query_schema, settings.trust_forwarded, direction
            ),
        )
    app.add_route("/api/v2/openapi.json", resources.OpenApiResource(build_openapi()))
    app.add_route("/health/live", resources.LiveResource())
    if settings.selfcommunity_webhook_secret:
        # Without a secret nobody could sign events for us: the route does not exist (404).
        receiver = EventReceiver(
            EventSync(graph.runner),
            settings.selfcommunity_webhook_secret,
            settings.selfcommunity_webhook_tolerance,
            cache=invalidation,
        )
        webhook = SelfCommunityWebhookResource(receiver)
        _add_routes(app, "/webhooks/selfcommunity/", webhook)
    app.add_route(
        "/health/ready",
        resources.ReadyResource(readiness, lambda: describe(cached.client if cached else None)),
    )
    app.add_route("/metrics", resources.MetricsResource(metrics.render))
    app.graph = graph
    return app

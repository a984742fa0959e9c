"""`create_app()`: the one place that wires settings, driver, graph layer and resources."""

from __future__ import annotations

import re

import falcon
import falcon.media
import orjson
from falcon.routing import BaseConverter

from service.api import explore, resources
from service.api.bodies import BodyLimitMiddleware
from service.api.errors import register_error_handlers
from service.api.limits import RateLimiter, RateLimitMiddleware
from service.api.middleware import (
    AllowedHostsMiddleware,
    ETagMiddleware,
    ReadinessGate,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from service.api.openapi import build_openapi
from service.api.pages import add_page_routes
from service.api.pagination import Pager
from service.api.schemas import ConnectionsQuerySchema
from service.api.webhooks import SelfCommunityWebhookResource
from service.cache.client import describe
from service.cache.deferral import respond_then_run
from service.cache.layer import CachedGraph, cached_graph, open_client
from service.config import Settings
from service.domain.community import CommunitySettings
from service.domain.connections import ConnectionsService
from service.domain.explore import ExploreService
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
    """falcon.App (which has __slots__) plus the graph, so gunicorn's worker_exit can close it;
    the cache's fills run after each response is sent (service/cache/deferral.py)."""

    graph: GraphPorts | None = None

    def __call__(self, env: dict, start_response):
        return respond_then_run(super().__call__, env, start_response)


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
    readiness = Readiness(graph.health, ttl=settings.readiness_cache_seconds)
    middleware: list = [
        RequestContextMiddleware(),  # first: every response, a refused one too, is logged
        SecurityHeadersMiddleware(),
        AllowedHostsMiddleware(settings.allowed_hosts, settings.trust_forwarded),
    ]
    limiter = RateLimiter.from_settings(settings)
    if limiter is not None:
        middleware.append(RateLimitMiddleware(limiter, settings))
    middleware += [
        ReadinessGate(readiness, GATED),
        ETagMiddleware(),
        BodyLimitMiddleware(),  # last: a request refused earlier is not read at all
    ]
    app = ConnectionsApp(cors_enable=False, middleware=middleware)
    app.req_options.strip_url_path_trailing_slash = False
    app.req_options.keep_blank_qs_values = True  # `?limit=` is invalid, not silently absent
    app.router_options.converters["user_id"] = UserIdConverter
    handler = json_handler()
    app.req_options.media_handlers[falcon.MEDIA_JSON] = handler
    app.resp_options.media_handlers[falcon.MEDIA_JSON] = handler
    register_error_handlers(app)

    query_schema = ConnectionsQuerySchema(
        default_limit=settings.default_limit, max_limit=settings.max_limit
    )
    for path, resource in api_routes(service, Pager(query_schema, settings.trust_forwarded)):
        _add_routes(app, path, resource)
    app.add_route("/api/v2/openapi.json", resources.OpenApiResource(build_openapi()))
    explore.add_explore_routes(
        app, ExploreService(graph.explore, service), settings.trust_forwarded
    )
    add_page_routes(app)
    app.add_route("/health/live", resources.LiveResource())
    if settings.selfcommunity_webhook_secret:
        # Without a secret nobody could sign events for us: the route does not exist (404).
        receiver = EventReceiver(
            EventSync(graph.runner),
            settings.selfcommunity_webhook_secret,
            settings.selfcommunity_webhook_tolerance,
            cache=invalidation,
        )
        _add_routes(app, "/webhooks/selfcommunity/", SelfCommunityWebhookResource(receiver))
    app.add_route(
        "/health/ready",
        resources.ReadyResource(readiness, lambda: describe(cached.client if cached else None)),
    )
    app.add_route("/metrics", resources.MetricsResource(metrics.render))
    app.graph = graph
    return app


# Everything that queries Neo4j; health, metrics and the OpenAPI document do not.
GATED = (
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
    *explore.RESOURCES,
)
# The lifecycle actions that are a POST to `user/{id}/connection/<action>/`.
ACTION_ROUTES = (
    Action.REQUEST,
    Action.ACCEPT,
    Action.REJECT,
    Action.CANCEL_REJECT,
    Action.CANCEL_REQUEST,
    Action.REMOVE,
)


def api_routes(service: ConnectionsService, pager: Pager) -> list[tuple[str, object]]:
    """The API's routes (path, resource), in the order they are added."""
    user = "/api/v2/user/{user_id:user_id}/"
    routes: list[tuple[str, object]] = [
        (f"{user}connections/", resources.UserConnectionsResource(service, pager)),
        ("/api/v2/suggestion/user/", resources.SuggestedUsersResource(service, pager)),
    ]
    routes += [
        (f"{user}connection/{action.value}/", resources.ConnectionActionResource(service, action))
        for action in ACTION_ROUTES
    ]
    routes += [
        (f"{user}connection_requests/mark_seen/", resources.MarkSeenResource(service)),
        (f"{user}connection_status/", resources.ConnectionStatusResource(service)),
        (f"{user}is_connection/", resources.IsConnectionResource(service)),
        (f"{user}counters/", resources.UserCountersResource(service)),
        (user, resources.UserResource(service)),
        ("/api/v2/user/connection/statuses/", resources.ConnectionStatusesResource(service)),
    ]
    routes += [
        (
            f"/api/v2/user/connection/{tail}",
            resources.ConnectionRequestsResource(service, pager, direction),
        )
        for tail, direction in (("requests/", "received"), ("requests_sent/", "sent"))
    ]
    return routes

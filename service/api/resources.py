"""Falcon resources: thin HTTP entry points over the service layer.

Each guarded responder names its access rule (`@requires`, api/auth.py): it starts with
`req.context.viewer` set; a paged one takes its page from the one `Pager`.
"""

from __future__ import annotations

from collections.abc import Callable

import falcon

from service.api.auth import requires
from service.api.pagination import Pager
from service.api.schemas import ConnectionStatusesBodySchema, UserCountersSchema
from service.domain.connections import Access, ConnectionsService
from service.domain.errors import InvalidBody
from service.domain.health import Readiness
from service.domain.lifecycle import Action
from service.domain.schemas import ConnectionRequestSchema, UserSchema, compile_dumper


class LiveResource:
    """The process is up (no database call)."""

    rate_budget = None  # probes are never rate limited

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"status": "ok"}


class ReadyResource:
    """The process can serve: Neo4j answers and every index the API needs is ONLINE.

    503 otherwise (from the error handlers), naming the indexes and their population %.
    The cache's state is reported beside it; without the cache the service is still ready
    (reads go to Neo4j), so it never makes this 503.
    """

    rate_budget = None

    def __init__(
        self,
        readiness: Readiness,
        cache_state: Callable[[], dict] = lambda: {"state": "disabled"},
    ):
        self.readiness = readiness
        self.cache_state = cache_state

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.readiness.require()
        resp.media = {"status": "ok", "cache": self.cache_state()}


class MetricsResource:
    """`GET /metrics`: Prometheus exposition of every worker's metrics."""

    rate_budget = None

    def __init__(self, render: Callable[[], tuple[bytes, str]]):
        self.render = render

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.data, resp.content_type = self.render()


class UserConnectionsResource:
    """`GET /api/v2/user/{id}/connections/`: one page of a user's connections."""

    varies_by_viewer = True  # connection_status and private fields (ETagMiddleware)

    def __init__(self, service: ConnectionsService, pager: Pager):
        self.service = service
        self.pager = pager

    @requires(Access.CONNECTIONS)
    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        page = self.pager.page(req)
        count, users = self.service.list_connections(
            user_id, req.context.viewer, page.offset, page.limit
        )
        resp.content_type = falcon.MEDIA_JSON
        resp.data = page.encoded_envelope(count, users)


class SuggestedUsersResource:
    """`GET /api/v2/suggestion/user/`: one page of users suggested to the requesting user."""

    rate_budget = "suggestions"  # service/api/limits.py: the costliest read has its own
    varies_by_viewer = True  # connection_status and private fields (ETagMiddleware)

    def __init__(self, service: ConnectionsService, pager: Pager):
        self.service = service
        self.pager = pager
        self.dump_users = compile_dumper(UserSchema())

    @requires(Access.SUGGESTIONS)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        page = self.pager.page(req)
        count, users = self.service.suggest_users(req.context.viewer, page.offset, page.limit)
        resp.media = page.envelope(count, self.dump_users(users))


class ConnectionActionResource:
    """`POST /api/v2/user/{id}/connection/<action>/`: the token's user acts on the pair."""

    def __init__(self, service: ConnectionsService, action: Action):
        self.service = service
        self.action = action

    @requires(Access.LIFECYCLE)
    def on_post(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        # No body is needed; whatever the SDK sends (form-encoded or nothing) is ignored.
        status = self.service.change_connection(req.context.viewer, user_id, self.action)
        resp.media = {"connection_status": status}


class MarkSeenResource:
    """`POST /api/v2/user/{id}/connection_requests/mark_seen/`: 204 once the request is seen."""

    def __init__(self, service: ConnectionsService):
        self.service = service

    @requires(Access.LIFECYCLE)
    def on_post(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        self.service.change_connection(req.context.viewer, user_id, Action.MARK_SEEN)
        resp.status = falcon.HTTP_204


class ConnectionStatusResource:
    """`GET /api/v2/user/{id}/connection_status/`: the user's status relative to me."""

    varies_by_viewer = True  # connection_status and private fields (ETagMiddleware)

    def __init__(self, service: ConnectionsService):
        self.service = service

    @requires(Access.SIGNED_IN)
    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        resp.media = self.answer(self.service.connection_status(req.context.viewer, user_id))

    @staticmethod
    def answer(status: str | None) -> dict:
        return {"connection_status": status}


class IsConnectionResource(ConnectionStatusResource):
    """`GET /api/v2/user/{id}/is_connection/`: whether the user is connected with me."""

    @staticmethod
    def answer(status: str | None) -> dict:
        return {"is_connection": status == "connected"}


class ConnectionStatusesResource:
    """`POST /api/v2/user/connection/statuses/`: my status with each user of a list."""

    # 1,000 ids (the schema's cap) of 19 digits with separators, and room for whitespace.
    max_body_bytes = 64 * 1024
    rate_budget = "reads"  # a POST that only reads

    def __init__(self, service: ConnectionsService):
        self.service = service
        self.body_schema = ConnectionStatusesBodySchema()

    @requires(Access.SIGNED_IN)
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        media = req.get_media(default_when_empty={})
        if not isinstance(media, dict):
            raise InvalidBody({"users": ['The body must be an object: {"users": [ids]}.']})
        body = self.body_schema.load(media)
        statuses = self.service.connection_statuses(req.context.viewer, body["users"])
        resp.media = {"connection_statuses": statuses}


class ConnectionRequestsResource:
    """`GET /api/v2/user/connection/requests/` (received) and `requests_sent/` (sent)."""

    varies_by_viewer = True  # connection_status and private fields (ETagMiddleware)

    def __init__(self, service: ConnectionsService, pager: Pager, direction: str):
        self.service = service
        self.pager = pager
        self.direction = direction
        self.schema = ConnectionRequestSchema(many=True)

    @requires(Access.LIFECYCLE)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        page = self.pager.page(req)
        count, items = self.service.list_connection_requests(
            req.context.viewer, self.direction, page.offset, page.limit
        )
        resp.media = page.envelope(count, self.schema.dump(items))


class UserResource:
    """`GET /api/v2/user/{id}/`: one user, with the connections list's access rules."""

    varies_by_viewer = True  # connection_status and private fields (ETagMiddleware)

    def __init__(self, service: ConnectionsService):
        self.service = service
        self.dump_users = compile_dumper(UserSchema())

    @requires(Access.PROFILE)
    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        resp.media = self.dump_users([self.service.get_user(user_id, req.context.viewer)])[0]


class UserCountersResource:
    """`GET /api/v2/user/{id}/counters/`: the user's counters, with the profile's access rules."""

    def __init__(self, service: ConnectionsService):
        self.service = service
        self.schema = UserCountersSchema()

    @requires(Access.PROFILE)
    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        resp.media = self.schema.dump(self.service.get_counters(user_id))


class OpenApiResource:
    """`GET /api/v2/openapi.json`: the OpenAPI 3 document, generated once at start."""

    rate_budget = None

    def __init__(self, document: dict):
        self.document = document

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = self.document

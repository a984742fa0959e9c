"""Falcon resources: thin HTTP entry points over the service layer."""

from __future__ import annotations

import falcon

from service.api.pagination import paginate
from service.api.schemas import (
    ConnectionsQuerySchema,
    ConnectionStatusesBodySchema,
    UserCountersSchema,
)
from service.domain.errors import InvalidBody
from service.domain.lifecycle import Action
from service.domain.schemas import ConnectionRequestSchema, UserSchema, compile_dumper


class LiveResource:
    """The process is up (no database call)."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"status": "ok"}


class ReadyResource:
    """The process can serve: Neo4j answers and every index the API needs is ONLINE.

    503 otherwise (from the error handlers), naming the indexes and their population %.
    The cache's state is reported beside it; without the cache the service is still ready
    (reads go to Neo4j), so it never makes this 503.
    """

    def __init__(self, readiness, cache_state=lambda: {"state": "disabled"}):
        self.readiness = readiness
        self.cache_state = cache_state

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.readiness.require()
        resp.media = {"status": "ok", "cache": self.cache_state()}


class MetricsResource:
    """`GET /metrics`: Prometheus exposition of every worker's metrics."""

    def __init__(self, render):
        self.render = render

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.data, resp.content_type = self.render()


class UserConnectionsResource:
    """`GET /api/v2/user/{id}/connections/`: one page of a user's connections."""

    varies_by_viewer = True  # connection_status and private fields (ETagMiddleware)

    def __init__(self, service, query_schema: ConnectionsQuerySchema, trust_forwarded: bool):
        self.service = service
        self.query_schema = query_schema
        self.dump_users = compile_dumper(UserSchema())
        self.trust_forwarded = trust_forwarded

    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        viewer = self.service.authenticate(req.get_header("Authorization"))
        self.service.check_access(viewer)
        params = self.query_schema.load(req.params)
        count, users = self.service.list_connections(
            user_id, viewer, params["offset"], params["limit"]
        )
        # Links are absolute, like Django's build_absolute_uri(); proxy headers only when trusted.
        url = req.forwarded_uri if self.trust_forwarded else req.uri
        resp.media = paginate(url, count, params["offset"], params["limit"], self.dump_users(users))


class SuggestedUsersResource:
    """`GET /api/v2/suggestion/user/`: one page of users suggested to the requesting user."""

    varies_by_viewer = True  # connection_status and private fields (ETagMiddleware)

    def __init__(self, service, query_schema: ConnectionsQuerySchema, trust_forwarded: bool):
        self.service = service
        self.query_schema = query_schema
        self.dump_users = compile_dumper(UserSchema())
        self.trust_forwarded = trust_forwarded

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        viewer = self.service.authenticate(req.get_header("Authorization"))
        self.service.check_suggestion_access(viewer)
        params = self.query_schema.load(req.params)
        count, users = self.service.suggest_users(viewer, params["offset"], params["limit"])
        url = req.forwarded_uri if self.trust_forwarded else req.uri
        resp.media = paginate(url, count, params["offset"], params["limit"], self.dump_users(users))


class ConnectionActionResource:
    """`POST /api/v2/user/{id}/connection/<action>/`: the token's user acts on the pair."""

    def __init__(self, service, action: Action):
        self.service = service
        self.action = action

    def on_post(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        # No body is needed; whatever the SDK sends (form-encoded or nothing) is ignored.
        viewer = self.service.authenticate(req.get_header("Authorization"))
        viewer = self.service.check_lifecycle_access(viewer)
        status = self.service.change_connection(viewer, user_id, self.action)
        resp.media = {"connection_status": status}


class MarkSeenResource:
    """`POST /api/v2/user/{id}/connection_requests/mark_seen/`: 204 once the request is seen."""

    def __init__(self, service):
        self.service = service

    def on_post(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        viewer = self.service.authenticate(req.get_header("Authorization"))
        viewer = self.service.check_lifecycle_access(viewer)
        self.service.change_connection(viewer, user_id, Action.MARK_SEEN)
        resp.status = falcon.HTTP_204


class ConnectionStatusResource:
    """`GET /api/v2/user/{id}/connection_status/`: the user's status relative to me."""

    varies_by_viewer = True  # connection_status and private fields (ETagMiddleware)

    def __init__(self, service):
        self.service = service

    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        viewer = self.service.require_viewer(
            self.service.authenticate(req.get_header("Authorization"))
        )
        resp.media = {"connection_status": self.service.connection_status(viewer, user_id)}


class IsConnectionResource:
    """`GET /api/v2/user/{id}/is_connection/`: whether the user is connected with me."""

    varies_by_viewer = True  # connection_status and private fields (ETagMiddleware)

    def __init__(self, service):
        self.service = service

    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        viewer = self.service.require_viewer(
            self.service.authenticate(req.get_header("Authorization"))
        )
        status = self.service.connection_status(viewer, user_id)
        resp.media = {"is_connection": status == "connected"}


class ConnectionStatusesResource:
    """`POST /api/v2/user/connection/statuses/`: my status with each user of a list."""

    def __init__(self, service):
        self.service = service
        self.body_schema = ConnectionStatusesBodySchema()

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        viewer = self.service.require_viewer(
            self.service.authenticate(req.get_header("Authorization"))
        )
        media = req.get_media(default_when_empty={})
        if not isinstance(media, dict):
            raise InvalidBody({"users": ['The body must be an object: {"users": [ids]}.']})
        body = self.body_schema.load(media)
        resp.media = {
            "connection_statuses": self.service.connection_statuses(viewer, body["users"])
        }


class ConnectionRequestsResource:
    """`GET /api/v2/user/connection/requests/` (received) and `requests_sent/` (sent)."""

    varies_by_viewer = True  # connection_status and private fields (ETagMiddleware)

    def __init__(
        self, service, query_schema: ConnectionsQuerySchema, trust_forwarded: bool, direction: str
    ):
        self.service = service
        self.query_schema = query_schema
        self.trust_forwarded = trust_forwarded
        self.direction = direction
        self.schema = ConnectionRequestSchema(many=True)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        viewer = self.service.authenticate(req.get_header("Authorization"))
        viewer = self.service.check_lifecycle_access(viewer)
        params = self.query_schema.load(req.params)
        count, items = self.service.list_connection_requests(
            viewer, self.direction, params["offset"], params["limit"]
        )
        url = req.forwarded_uri if self.trust_forwarded else req.uri
        resp.media = paginate(
            url, count, params["offset"], params["limit"], self.schema.dump(items)
        )


class UserResource:
    """`GET /api/v2/user/{id}/`: one user, with the connections list's access rules."""

    varies_by_viewer = True  # connection_status and private fields (ETagMiddleware)

    def __init__(self, service):
        self.service = service
        self.dump_users = compile_dumper(UserSchema())

    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        viewer = self.service.authenticate(req.get_header("Authorization"))
        self.service.check_profile_access(viewer)
        resp.media = self.dump_users([self.service.get_user(user_id, viewer)])[0]


class UserCountersResource:
    """`GET /api/v2/user/{id}/counters/`: the user's counters, with the profile's access rules."""

    def __init__(self, service):
        self.service = service
        self.schema = UserCountersSchema()

    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        viewer = self.service.authenticate(req.get_header("Authorization"))
        self.service.check_profile_access(viewer)
        resp.media = self.schema.dump(self.service.get_counters(user_id))


class OpenApiResource:
    """`GET /api/v2/openapi.json`: the OpenAPI 3 document, generated once at start."""

    def __init__(self, document: dict):
        self.document = document

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = self.document

"""Falcon resources: thin HTTP entry points over the service layer."""

from __future__ import annotations

import falcon

from service.api.pagination import paginate
from service.api.schemas import ConnectionsQuerySchema
from service.domain.schemas import UserSchema, compile_dumper


class LiveResource:
    """The process is up (no database call)."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"status": "ok"}


class ReadyResource:
    """The process can serve: Neo4j answers and every index the API needs is ONLINE.

    503 otherwise (from the error handlers), naming the indexes and their population %.
    """

    def __init__(self, readiness):
        self.readiness = readiness

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.readiness.require()
        resp.media = {"status": "ok"}


class MetricsResource:
    """`GET /metrics`: Prometheus exposition of every worker's metrics."""

    def __init__(self, render):
        self.render = render

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.data, resp.content_type = self.render()


class UserConnectionsResource:
    """`GET /api/v2/user/{id}/connections/`: one page of a user's connections."""

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


class OpenApiResource:
    """`GET /api/v2/openapi.json`: the OpenAPI 3 document, generated once at start."""

    def __init__(self, document: dict):
        self.document = document

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = self.document

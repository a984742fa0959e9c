"""The explorer's read-only JSON endpoints under /api/v2/explore/ (docs/pages.md)."""

from __future__ import annotations

import falcon

from service.api.pagination import paginate
from service.api.schemas import (
    ExploreMutualQuerySchema,
    ExploreNetworkQuerySchema,
    ExploreNetworkSchema,
    ExplorePathQuerySchema,
    ExplorePathSchema,
    ExploreSearchQuerySchema,
    ExploreSuggestionsQuerySchema,
    ExploreSuggestionsSchema,
    ExploreUserSchema,
)
from service.domain.explore import ExploreService

NETWORK_PATH = "/api/v2/explore/user/{id}/network/"
SEARCH_PATH = "/api/v2/explore/users/"
PATH_PATH = "/api/v2/explore/path/"
MUTUAL_PATH = "/api/v2/explore/mutual/"
SUGGESTIONS_PATH = "/api/v2/explore/suggestions/"


class _ExploreResource:
    def __init__(self, service: ExploreService, trust_forwarded: bool = False):
        self.service = service
        self.trust_forwarded = trust_forwarded

    def viewer(self, req: falcon.Request):
        return self.service.connections.authenticate(req.get_header("Authorization"))

    def url(self, req: falcon.Request) -> str:
        return req.forwarded_uri if self.trust_forwarded else req.uri


class NetworkResource(_ExploreResource):
    """`GET /api/v2/explore/user/{id}/network/`: the user's ego network, capped."""

    query = ExploreNetworkQuerySchema()
    body = ExploreNetworkSchema()

    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        viewer = self.viewer(req)
        params = self.query.load(req.params)
        network = self.service.network(user_id, viewer, params["hops"], params["limit"])
        resp.media = self.body.dump(network)


class UserSearchResource(_ExploreResource):
    """`GET /api/v2/explore/users/?q=`: users by id or username prefix, paged."""

    query = ExploreSearchQuerySchema()
    users = ExploreUserSchema(many=True)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        viewer = self.viewer(req)
        params = self.query.load(req.params)
        offset, limit = params["offset"], params["limit"]
        count, users = self.service.search(params["q"], viewer, offset, limit)
        resp.media = paginate(self.url(req), count, offset, limit, self.users.dump(users))


class ShortestPathResource(_ExploreResource):
    """`GET /api/v2/explore/path/?from=&to=`: one shortest path between two users."""

    query = ExplorePathQuerySchema()
    body = ExplorePathSchema()

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        viewer = self.viewer(req)
        params = self.query.load(req.params)
        path = self.service.shortest_path(params["source"], params["target"], viewer)
        resp.media = self.body.dump(path)


class MutualResource(_ExploreResource):
    """`GET /api/v2/explore/mutual/?a=&b=`: users connected to both, paged."""

    query = ExploreMutualQuerySchema()
    users = ExploreUserSchema(many=True)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        viewer = self.viewer(req)
        params = self.query.load(req.params)
        offset, limit = params["offset"], params["limit"]
        count, users = self.service.mutual(params["a"], params["b"], viewer, offset, limit)
        resp.media = paginate(self.url(req), count, offset, limit, self.users.dump(users))


class SuggestionsResource(_ExploreResource):
    """`GET /api/v2/explore/suggestions/`: the viewer's first suggestions with mutual counts."""

    query = ExploreSuggestionsQuerySchema()
    body = ExploreSuggestionsSchema()

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        viewer = self.viewer(req)
        params = self.query.load(req.params)
        resp.media = self.body.dump({"results": self.service.suggestions(viewer, params["limit"])})


def add_explore_routes(app: falcon.App, service: ExploreService, trust_forwarded: bool) -> list:
    """The explorer's routes (trailing slash canonical, the bare form too); their resources."""
    routes = {
        NETWORK_PATH.replace("{id}", "{user_id:user_id}"): NetworkResource(service),
        SEARCH_PATH: UserSearchResource(service, trust_forwarded),
        PATH_PATH: ShortestPathResource(service),
        MUTUAL_PATH: MutualResource(service, trust_forwarded),
        SUGGESTIONS_PATH: SuggestionsResource(service),
    }
    for path, resource in routes.items():
        app.add_route(path, resource)
        app.add_route(path.rstrip("/"), resource)
    return list(routes.values())


# Each queries Neo4j: the readiness gate answers 503 for them while Neo4j is not ready.
RESOURCES = (
    NetworkResource,
    UserSearchResource,
    ShortestPathResource,
    MutualResource,
    SuggestionsResource,
)

"""The explorer's read-only JSON endpoints under /api/v2/explore/ (docs/pages.md)."""

from __future__ import annotations

import falcon

from service.api.auth import requires
from service.api.explore_schemas import (
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
from service.api.pagination import Pager
from service.domain.connections import Access
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


class NetworkResource(_ExploreResource):
    """`GET /api/v2/explore/user/{id}/network/`: the user's ego network, capped."""

    query = ExploreNetworkQuerySchema()
    body = ExploreNetworkSchema()

    @requires(Access.CONNECTIONS)
    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: int) -> None:
        params = self.query.load(req.params)
        network = self.service.network(user_id, req.context.viewer, params["hops"], params["limit"])
        resp.media = self.body.dump(network)


class UserSearchResource(_ExploreResource):
    """`GET /api/v2/explore/users/?q=`: users by id or username prefix, paged."""

    query = ExploreSearchQuerySchema()
    users = ExploreUserSchema(many=True)

    @requires(Access.PROFILE)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        params = self.query.load(req.params)  # `q` (400 naming it), `limit`, `offset`
        page = Pager(self.query, self.trust_forwarded).page(req)
        count, users = self.service.search(params["q"], req.context.viewer, page.offset, page.limit)
        resp.media = page.envelope(count, self.users.dump(users))


class ShortestPathResource(_ExploreResource):
    """`GET /api/v2/explore/path/?from=&to=`: one shortest path between two users."""

    query = ExplorePathQuerySchema()
    body = ExplorePathSchema()

    @requires(Access.CONNECTIONS)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        params = self.query.load(req.params)
        path = self.service.shortest_path(params["source"], params["target"], req.context.viewer)
        resp.media = self.body.dump(path)


class MutualResource(_ExploreResource):
    """`GET /api/v2/explore/mutual/?a=&b=`: users connected to both, paged."""

    query = ExploreMutualQuerySchema()
    users = ExploreUserSchema(many=True)

    @requires(Access.CONNECTIONS)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        params = self.query.load(req.params)
        page = Pager(self.query, self.trust_forwarded).page(req)
        count, users = self.service.mutual(
            params["a"], params["b"], req.context.viewer, page.offset, page.limit
        )
        resp.media = page.envelope(count, self.users.dump(users))


class SuggestionsResource(_ExploreResource):
    """`GET /api/v2/explore/suggestions/`: the viewer's first suggestions with mutual counts."""

    query = ExploreSuggestionsQuerySchema()
    body = ExploreSuggestionsSchema()

    @requires(Access.SUGGESTIONS)
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        params = self.query.load(req.params)
        suggestions = self.service.suggestions(req.context.viewer, params["limit"])
        resp.media = self.body.dump({"results": suggestions})


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

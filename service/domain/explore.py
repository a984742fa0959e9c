"""The explorer's reads under the API's access rules: who may see which part of the graph.

The network, paths and mutual connections are connection data, so they follow the connections
list's rules (friendship mode, anonymous only where content_availability allows); the search
follows a profile's; suggestions are the signed-in viewer's own. No read here returns an email.
"""

from __future__ import annotations

from service.domain.connections import Access, ConnectionsService, Viewer
from service.domain.ports import ExploreReads
from service.domain.schemas import is_user_id
from service.domain.users import search_key
from service.graph.explore import NetworkBounds

# The search reads at most this many matches of a prefix (count is at most one more).
MAX_SEARCH_MATCHES = 1000
# A drawing's caps beyond the requested number of connections: the second hop reads this many
# newest connections of each drawn one and draws at most twice as many users as the first hop;
# edges among the drawn users stop at MAX_EDGES (the answer says `truncated`).
FANOUT = 10
MAX_EDGES = 5000


class ExploreService:
    """The explorer's JSON endpoints' one call each, over the graph layer's explore reads."""

    def __init__(self, explore: ExploreReads, connections: ConnectionsService):
        self.explore = explore
        self.connections = connections

    def admit(self, authorization: str | None, access: Access) -> Viewer | None:
        """The API's access rules, as for the endpoints the explorer shows (api/auth.py)."""
        return self.connections.admit(authorization, access)

    def network(self, user_id: int, viewer: Viewer | None, hops: int, limit: int) -> dict:
        """The user's capped ego network: `{user_id, degree, nodes, edges, truncated}`.

        The user, their `limit` newest connections and, with `hops` 2, up to 2 * limit users
        those reach (FANOUT each), and the connections among all of them.
        """
        bounds = NetworkBounds(
            first_limit=limit,
            hops=hops,
            fanout=FANOUT,
            second_limit=2 * limit,
            max_edges=MAX_EDGES,
        )
        return {"user_id": user_id, **self.explore.ego_network(user_id, bounds)}

    def search(
        self, text: str, viewer: Viewer | None, offset: int, limit: int
    ) -> tuple[int, list[dict]]:
        """`(count, users)`: the user whose id is `text`, then usernames starting with it
        (whatever the case of either)."""
        digits = text.isascii() and text.isdigit() and len(text) <= 19
        user_id = int(text) if digits and is_user_id(int(text)) else None
        prefix = search_key(text)
        return self.explore.search_users(prefix, user_id, offset, limit, MAX_SEARCH_MATCHES)

    def shortest_path(self, a: int, b: int, viewer: Viewer | None) -> dict:
        """`{path, length}`: the users along one shortest path (null beyond 6 hops)."""
        path = self.explore.shortest_path(a, b)
        return {"path": path, "length": None if path is None else len(path) - 1}

    def mutual(
        self, a: int, b: int, viewer: Viewer | None, offset: int, limit: int
    ) -> tuple[int, list[dict]]:
        """`(count, users)` connected to both a and b, by id."""
        return self.explore.mutual_connections(a, b, offset, limit)

    def suggestions(self, viewer: Viewer | None, limit: int) -> list[dict]:
        """The viewer's first suggestions (the suggestion endpoint's), each with its mutual count."""
        assert viewer is not None  # Access.SUGGESTIONS (api/explore.py) refuses anonymous viewers
        _, users = self.connections.suggest_users(viewer, 0, limit)
        counts = self.explore.mutual_counts(viewer.user_id, [u["id"] for u in users])
        return [
            {
                "id": u["id"],
                "username": u.get("username"),
                "real_name": u.get("real_name"),
                "avatar": u.get("avatar"),
                "connections_counter": u.get("connections_counter"),
                "mutual": counts.get(u["id"], 0),
            }
            for u in users
        ]

"""The one hand-written fake of the graph layer, for tests that need no database.

It declares the domain's ports (service/domain/ports.py), so mypy checks it against them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from service.domain.lifecycle import Outcome
from service.domain.ports import (
    CommunityReads,
    ConnectionPageReads,
    ExploreReads,
    GraphPorts,
    HealthReads,
    RequestReads,
    SuggestionReads,
    Transactions,
    UserReads,
)
from service.graph.errors import GraphUnavailable, UserNotFound
from service.graph.explore import NetworkBounds
from service.graph.health import REQUIRED_INDEXES


def fake_user(user_id: int, **overrides) -> dict:
    """A user row as `ConnectionPages.list_user_connections` returns it."""
    row = {
        "id": user_id,
        "username": f"user{user_id}",
        "email": f"user{user_id}@example.com",
        "email_isvalid": True,
        "status": "a",
        "connections_counter": 1,
        "connection_requests_sent_counter": 0,
        "connection_requests_received_counter": 0,
        "connection_status": None,
        "tags": [],
    }
    row.update(overrides)
    return row


class FakeDriver:
    """Says whether it was closed."""

    closed = False

    def close(self) -> None:
        self.closed = True


class FakeGraph(
    Transactions,
    HealthReads,
    UserReads,
    ConnectionPageReads,
    SuggestionReads,
    RequestReads,
    CommunityReads,
    ExploreReads,
):
    """Every DAO in one: users with a fixed list of connection ids each; records its calls."""

    def __init__(
        self,
        connections: dict[int, list[int]] | None = None,
        staff: Collection[int] = frozenset(),
        inactive: Collection[int] = frozenset(),
        options: dict | None = None,
        fail: Exception | None = None,
        suggestions: dict[int, list[int]] | None = None,
        outcome: Outcome | None = None,
        pair_facts: dict[int, dict] | None = None,
        requests: list[dict] | None = None,
    ):
        self.connection_ids = connections if connections is not None else {1: [2, 3, 4]}
        # Ranked suggestion ids per user, as Graph.suggest_users would return them.
        self.suggestion_ids = dict(suggestions or {})
        self.staff = set(staff)
        self.inactive = set(inactive)
        self.options = dict(options or {})
        self.fail = fail
        self.calls: list[tuple] = []
        self.settings_reads = 0
        # Lifecycle: what a write answers, the facts each user id reads, the request items.
        self.outcome = outcome or Outcome(changed=True, status="sent_connection_request")
        self.pair_facts = dict(pair_facts or {})
        self.request_items = list(requests or [])
        # Index name -> state, for readiness tests; unnamed indexes are ONLINE.
        self.index_state: dict[str, str] = {}
        self.driver: Any = FakeDriver()

    # The bundle's DAOs (GraphPorts) are all this one object.
    @property
    def runner(self) -> Transactions:
        return self

    @property
    def health(self) -> HealthReads:
        return self

    @property
    def users(self) -> UserReads:
        return self

    @property
    def connections(self) -> ConnectionPageReads:
        return self

    @property
    def suggestions(self) -> SuggestionReads:
        return self

    @property
    def requests(self) -> RequestReads:
        return self

    @property
    def community(self) -> CommunityReads:
        return self

    @property
    def explore(self) -> ExploreReads:
        return self

    def start_warm_up(self) -> None:
        """Nothing to plan in a fake."""

    def close(self) -> None:
        """Like GraphLayer.close: the runner's threads stop, then the driver closes."""
        self.driver.close()

    def _known(self, user_id: int) -> bool:
        known = set(self.connection_ids) | {i for ids in self.connection_ids.values() for i in ids}
        return user_id in known | self.staff and user_id not in self.inactive

    def _maybe_fail(self) -> None:
        if self.fail is not None:
            raise self.fail

    def ping(self) -> bool:
        self._maybe_fail()
        return True

    def index_states(self) -> dict[str, dict]:
        self._maybe_fail()
        return {
            name: {"state": self.index_state.get(name, "ONLINE"), "population": 100.0}
            for name in REQUIRED_INDEXES
        }

    def find_viewer(self, user_id: int) -> dict | None:
        self._maybe_fail()
        known = set(self.connection_ids) | {i for ids in self.connection_ids.values() for i in ids}
        if user_id not in known | self.staff or user_id in self.inactive:
            return None
        return {"is_staff": user_id in self.staff}

    def list_user_connections(
        self, user_id: int, viewer_id: int | None, offset: int, limit: int
    ) -> tuple[int, list[dict]]:
        self._maybe_fail()
        self.calls.append(("list", user_id, viewer_id, offset, limit))
        if user_id not in self.connection_ids:
            raise UserNotFound(user_id)
        ids = self.connection_ids[user_id]
        return len(ids), [fake_user(i) for i in ids[offset : offset + limit]]

    def suggest_users(self, user_id: int, offset: int, limit: int) -> tuple[int, list[dict]]:
        self._maybe_fail()
        self.calls.append(("suggest", user_id, offset, limit))
        ids = self.suggestion_ids.get(user_id, [])
        return len(ids), [fake_user(i) for i in ids[offset : offset + limit]]

    def read(self, work: Callable[..., Any], *args: Any) -> Any:
        """No transaction functions are read through the fake; a test that needs one says so."""
        raise NotImplementedError(f"FakeGraph cannot run {work.__name__}")

    def write(self, work: Callable[..., Any], *args: Any) -> Any:
        """Records the unit of work and its arguments; answers the configured outcome."""
        self._maybe_fail()
        self.calls.append(("write", work.__name__, *args))
        return self.outcome

    def read_pair_states(self, viewer_id: int, ids: list[int]) -> dict[int, dict]:
        self._maybe_fail()
        self.calls.append(("pair_states", viewer_id, tuple(ids)))
        none = {"connected": False, "sent": None, "received": None}
        return {
            i: {"active": True, **self.pair_facts.get(i, none)} for i in ids if self._known(i)
        } | {i: {"active": False, **none} for i in ids if i in self.inactive}

    def find_user(self, user_id: int, viewer_id: int | None) -> dict:
        self._maybe_fail()
        if not self._known(user_id):
            raise UserNotFound(user_id)
        return fake_user(user_id)

    def list_connection_requests(
        self, user_id: int, direction: str, offset: int, limit: int
    ) -> tuple[int, list[dict]]:
        self._maybe_fail()
        self.calls.append(("requests", user_id, direction, offset, limit))
        return len(self.request_items), [
            dict(r) for r in self.request_items[offset : offset + limit]
        ]

    def get_community_settings(self) -> dict:
        self._maybe_fail()
        self.settings_reads += 1
        return dict(self.options)

    # The explorer's reads over the same connection lists (undirected: a list names both ends).
    def _neighbours(self, user_id: int) -> list[int]:
        ids = list(self.connection_ids.get(user_id, []))
        ids += [u for u, others in self.connection_ids.items() if user_id in others]
        return sorted(set(ids) - {user_id})

    def _node(self, user_id: int, **extra: Any) -> dict:
        row = fake_user(user_id, connections_counter=len(self._neighbours(user_id)))
        node = {name: row.get(name) for name in ("id", "username", "status")}
        analytics = {"pagerank": None, "community_id": None}
        return node | {"real_name": None, "avatar": None} | analytics | extra

    def ego_network(self, user_id: int, bounds: NetworkBounds) -> dict:
        self._maybe_fail()
        self.calls.append(("ego", user_id, bounds))
        if not self._known(user_id):
            raise UserNotFound(user_id)
        first = self._neighbours(user_id)[: bounds.first_limit]
        drawn = [user_id, *first]
        hops = {user_id: 0} | dict.fromkeys(first, 1)
        if bounds.hops >= 2:
            second = sorted({s for f in first for s in self._neighbours(f)} - set(drawn))
            drawn += second[: bounds.second_limit]
            hops |= dict.fromkeys(second[: bounds.second_limit], 2)
        edges = [
            {"source": a, "target": b}
            for a in sorted(drawn)
            for b in self._neighbours(a)
            if a < b and b in hops
        ]
        return {
            "degree": len(self._neighbours(user_id)),
            "nodes": [self._node(i, hop=hops[i]) for i in drawn],
            "edges": edges[: bounds.max_edges],
            "truncated": len(edges) > bounds.max_edges,
        }

    def search_users(
        self, prefix: str, user_id: int | None, offset: int, limit: int, max_matches: int
    ) -> tuple[int, list[dict]]:
        self._maybe_fail()
        self.calls.append(("search", prefix, user_id, offset, limit))
        known = sorted(i for i in set(self.connection_ids) | self.staff if self._known(i))
        found = [i for i in known if i == user_id]
        found += [i for i in known if f"user{i}".startswith(prefix) and i != user_id]
        found = found[: max_matches + 1]
        return len(found), [self._node(i) for i in found[offset : offset + limit]]

    def shortest_path(self, a: int, b: int) -> list[dict] | None:
        self._maybe_fail()
        for user_id in (a, b):
            if not self._known(user_id):
                raise UserNotFound(user_id)
        paths = {a: [a]}  # breadth first, at most 6 hops, lowest ids first
        frontier = [a]
        for _ in range(6):
            reached = []
            for f in frontier:
                for n in self._neighbours(f):
                    if n not in paths:
                        paths[n] = [*paths[f], n]
                        reached.append(n)
            frontier = reached
        return [self._node(i) for i in paths[b]] if b in paths else None

    def mutual_connections(self, a: int, b: int, offset: int, limit: int) -> tuple[int, list[dict]]:
        self._maybe_fail()
        for user_id in (a, b):
            if not self._known(user_id):
                raise UserNotFound(user_id)
        mutual = sorted(set(self._neighbours(a)) & set(self._neighbours(b)))
        return len(mutual), [self._node(i) for i in mutual[offset : offset + limit]]

    def mutual_counts(self, user_id: int, ids: list[int]) -> dict[int, int]:
        self._maybe_fail()
        mine = set(self._neighbours(user_id))
        return {i: len(mine & set(self._neighbours(i))) for i in ids if self._known(i)}


def _declares_the_ports(graph: FakeGraph) -> GraphPorts:
    return graph  # mypy: the fake is the whole bundle the composition root hands out


__all__ = ["FakeDriver", "FakeGraph", "GraphUnavailable", "fake_user"]

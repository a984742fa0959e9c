"""A hand-written fake of the graph layer, for tests that need no database."""

from __future__ import annotations

from service.domain.lifecycle import Outcome
from service.graph.errors import GraphUnavailable, UserNotFound
from service.graph.store import REQUIRED_INDEXES


def fake_user(user_id: int, **overrides) -> dict:
    """A user row as `Graph.list_user_connections` returns it."""
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


class FakeGraph:
    """Users with a fixed list of connection ids each; records the calls it gets."""

    driver = None

    def close(self) -> None:
        """Like Graph.close: stops the breaker's probe and closes the driver."""
        if self.driver is not None:
            self.driver.close()

    def __init__(
        self,
        connections: dict[int, list[int]] | None = None,
        staff: set[int] = frozenset(),
        inactive: set[int] = frozenset(),
        options: dict | None = None,
        fail: Exception | None = None,
        suggestions: dict[int, list[int]] | None = None,
        outcome: Outcome | None = None,
        pair_facts: dict[int, dict] | None = None,
        requests: list[dict] | None = None,
    ):
        self.connections = connections if connections is not None else {1: [2, 3, 4]}
        # Ranked suggestion ids per user, as Graph.suggest_users would return them.
        self.suggestions = dict(suggestions or {})
        self.staff = set(staff)
        self.inactive = set(inactive)
        self.options = dict(options or {})
        self.fail = fail
        self.calls: list[tuple] = []
        self.settings_reads = 0
        # Lifecycle: what a write answers, the facts each user id reads, the request items.
        self.outcome = outcome or Outcome(changed=True, status="sent_connection_request")
        self.pair_facts = dict(pair_facts or {})
        self.requests = list(requests or [])
        # Index name -> state, for readiness tests; unnamed indexes are ONLINE.
        self.index_state: dict[str, str] = {}

    def _known(self, user_id: int) -> bool:
        known = set(self.connections) | {i for ids in self.connections.values() for i in ids}
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
        known = set(self.connections) | {i for ids in self.connections.values() for i in ids}
        if user_id not in known | self.staff or user_id in self.inactive:
            return None
        return {"is_staff": user_id in self.staff}

    def list_user_connections(self, user_id, viewer_id, offset, limit):
        self._maybe_fail()
        self.calls.append(("list", user_id, viewer_id, offset, limit))
        if user_id not in self.connections:
            raise UserNotFound(user_id)
        ids = self.connections[user_id]
        return len(ids), [fake_user(i) for i in ids[offset : offset + limit]]

    def suggest_users(self, user_id, offset, limit):
        self._maybe_fail()
        self.calls.append(("suggest", user_id, offset, limit))
        ids = self.suggestions.get(user_id, [])
        return len(ids), [fake_user(i) for i in ids[offset : offset + limit]]

    def write(self, work, *args):
        """Records the unit of work and its arguments; answers the configured outcome."""
        self._maybe_fail()
        self.calls.append(("write", work.__name__, *args))
        return self.outcome

    def read_pair_states(self, viewer_id, ids):
        self._maybe_fail()
        self.calls.append(("pair_states", viewer_id, tuple(ids)))
        none = {"connected": False, "sent": None, "received": None}
        return {
            i: {"active": True, **self.pair_facts.get(i, none)} for i in ids if self._known(i)
        } | {i: {"active": False, **none} for i in ids if i in self.inactive}

    def find_user(self, user_id, viewer_id):
        self._maybe_fail()
        if not self._known(user_id):
            raise UserNotFound(user_id)
        return fake_user(user_id)

    def list_connection_requests(self, user_id, direction, offset, limit):
        self._maybe_fail()
        self.calls.append(("requests", user_id, direction, offset, limit))
        return len(self.requests), [dict(r) for r in self.requests[offset : offset + limit]]

    def get_community_settings(self) -> dict:
        self._maybe_fail()
        self.settings_reads += 1
        return dict(self.options)


__all__ = ["FakeGraph", "GraphUnavailable", "fake_user"]

"""What the domain needs from the graph layer: one Protocol per DAO, and the bundle of them.

Satisfied structurally by the real DAOs in `service.graph` (checked where `create_app` wires
them) and by the one hand-written `tests/unit/fakes.FakeGraph`, which declares them: a fake
that drifts from the contract fails the type checker, not production.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Protocol, runtime_checkable

from service.domain.user_json import UserJson
from service.graph.explore import NetworkBounds

# The runner's own contract (graph/runner.py): the stores in graph/ are typed against it too.
from service.graph.runner import Transactions


class UserReads(Protocol):
    """Users as a viewer sees them (graph/users.py)."""

    def find_viewer(self, user_id: int) -> dict | None: ...

    def find_user(self, user_id: int, viewer_id: int | None) -> dict: ...

    def read_pair_states(self, viewer_id: int, ids: list[int]) -> dict[int, dict]: ...


class ConnectionPageReads(Protocol):
    """A user's connections, a page at a time (graph/connections.py)."""

    def list_user_connections(
        self, user_id: int, viewer_id: int | None, offset: int, limit: int
    ) -> tuple[int, list[dict]]: ...


@runtime_checkable
class ConnectionPageJson(Protocol):
    """The same pages as encoded users (domain/user_json.py), each with the viewer's
    connection_status as JSON: what the API splices a page from (service/cache/connections.py;
    over the plain pages, `domain.connections.EncodedConnectionPages`)."""

    def list_user_connections_json(
        self, user_id: int, viewer_id: int | None, offset: int, limit: int
    ) -> tuple[int, list[tuple[UserJson, bytes]]]: ...


class SuggestionReads(Protocol):
    """Friend-of-friend suggestions (graph/suggestions.py)."""

    def suggest_users(self, user_id: int, offset: int, limit: int) -> tuple[int, list[dict]]: ...


class RequestReads(Protocol):
    """Connection request lists (graph/requests.py)."""

    def list_connection_requests(
        self, user_id: int, direction: str, offset: int, limit: int
    ) -> tuple[int, list[dict]]: ...

    def count_sent_requests(self, user_id: int) -> int: ...


class CommunityReads(Protocol):
    """The stored community options (graph/community.py)."""

    def get_community_settings(self) -> dict: ...


class HealthReads(Protocol):
    """What readiness asks (graph/health.py)."""

    def ping(self) -> bool: ...

    def index_states(self) -> dict[str, dict]: ...


class SuggestionListStore(Protocol):
    """The stored exact suggestion lists the refresh pass keeps (graph/suggestion_lists.py)."""

    def find_heavy_users(self, min_degree: int) -> dict[int, int]: ...

    def list_stored(self) -> dict[int, dt.datetime]: ...

    def compute_top(self, user_id: int, top: int) -> list[dict[str, int]]: ...

    def store(self, user_id: int, ranked: list[dict[str, int]], degree: int) -> None: ...

    def drop(self, user_ids: list[int]) -> int: ...


class CacheInvalidation(Protocol):
    """What a write tells the cache once it has committed (service/cache/); the graph layer
    alone (no cache) is `NO_CACHE`."""

    def users_changed(self, user_ids: Collection[int]) -> None:
        """Every cached entry that shows or depends on these users is stale now."""
        ...

    def everything_changed(self) -> None:
        """A bulk change: no cached entry may be served any more."""
        ...


class _NoCache:
    def users_changed(self, user_ids: Collection[int]) -> None:
        pass

    def everything_changed(self) -> None:
        pass


NO_CACHE: CacheInvalidation = _NoCache()


class ExploreReads(Protocol):
    """The explorer's bounded reads (graph/explore.py)."""

    def ego_network(self, user_id: int, bounds: NetworkBounds) -> dict: ...

    def search_users(
        self, prefix: str, user_id: int | None, offset: int, limit: int, max_matches: int
    ) -> tuple[int, list[dict]]: ...

    def shortest_path(self, a: int, b: int) -> list[dict] | None: ...

    def mutual_connections(
        self, a: int, b: int, offset: int, limit: int
    ) -> tuple[int, list[dict]]: ...

    def mutual_counts(self, user_id: int, ids: list[int]) -> dict[int, int]: ...


class GraphPorts(Protocol):
    """The graph layer as the API's composition root hands it to the domain."""

    @property
    def runner(self) -> Transactions: ...

    @property
    def health(self) -> HealthReads: ...

    @property
    def users(self) -> UserReads: ...

    @property
    def connections(self) -> ConnectionPageReads: ...

    @property
    def suggestions(self) -> SuggestionReads: ...

    @property
    def requests(self) -> RequestReads: ...

    @property
    def community(self) -> CommunityReads: ...

    @property
    def explore(self) -> ExploreReads: ...

    def start_warm_up(self) -> None: ...

    def close(self) -> None: ...

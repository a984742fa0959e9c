"""The graph layer with the cache in its read path, and the invalidation its writes call.

`cached_graph(graph, client, settings)` wraps the reads the API serves (users, connection
pages, requests, suggestions) in their cached twins, which satisfy the same protocols
(domain/ports.py); everything else (the runner and its writes, health, community options, the explorer)
is the graph's own. `Invalidation` is the domain's `CacheInvalidation` over the same client.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from service.cache.client import CacheClient, CacheDown
from service.cache.connections import CachedConnectionPages
from service.cache.objects import RowReads
from service.cache.requests import CachedConnectionRequests
from service.cache.store import CacheStore
from service.cache.suggestions import CachedSuggestions
from service.cache.users import CachedUsers
from service.config import Settings
from service.domain.ports import (
    CommunityReads,
    ConnectionPageReads,
    ExploreReads,
    GraphPorts,
    HealthReads,
    RequestReads,
    SuggestionReads,
    Transactions,
)

log = logging.getLogger(__name__)


class CacheableGraph(GraphPorts, Protocol):
    """The graph layer as the cache needs it: its users can also read rows by ids."""

    @property
    def users(self) -> RowReads: ...


def open_client(settings: Settings) -> CacheClient:
    """The process's cache client (no connection is made until the first call)."""
    return CacheClient(
        settings.redis_url,
        timeout=settings.cache_timeout,
        retry_seconds=settings.cache_retry_seconds,
    )


class Invalidation:
    """`CacheInvalidation` over Redis: one round trip after each committed write.

    When Redis cannot be told, the client is marked dirty and rotates the epoch before it is
    used again, so what this write changed is never served from an entry filled before it.
    """

    def __init__(self, store: CacheStore):
        self.store = store

    def users_changed(self, user_ids: Collection[int]) -> None:
        try:
            self.store.invalidate_users(user_ids)
        except CacheDown:
            self.store.client.lost_invalidation()

    def everything_changed(self) -> None:
        try:
            self.store.client.rotate_epoch()
        except CacheDown:
            self.store.client.lost_invalidation()
            raise


@dataclass(frozen=True)
class CachedGraph:
    """`GraphPorts` with cached reads; `close` closes the graph, then the cache's client."""

    graph: CacheableGraph
    store: CacheStore
    users: CachedUsers
    connections: CachedConnectionPages
    suggestions: CachedSuggestions
    requests: CachedConnectionRequests
    invalidation: Invalidation

    @property
    def client(self) -> CacheClient:
        return self.store.client

    @property
    def runner(self) -> Transactions:
        return self.graph.runner

    @property
    def health(self) -> HealthReads:
        return self.graph.health

    @property
    def community(self) -> CommunityReads:
        return self.graph.community

    @property
    def explore(self) -> ExploreReads:
        """The explorer's bounded reads are not cached (analysis, not the hot path)."""
        return self.graph.explore

    def start_warm_up(self) -> None:
        self.graph.start_warm_up()

    def close(self) -> None:
        self.graph.close()
        self.store.client.close()


def cached_graph(graph: CacheableGraph, client: CacheClient, settings: Settings) -> CachedGraph:
    """The cached twins of the graph's API reads, over one client."""
    store = CacheStore(client, ttl=settings.cache_ttl)
    users = graph.users
    deepest = settings.cache_max_offset
    connections: ConnectionPageReads = graph.connections
    suggestions: SuggestionReads = graph.suggestions
    requests: RequestReads = graph.requests
    return CachedGraph(
        graph=graph,
        store=store,
        users=CachedUsers(users, store),
        connections=CachedConnectionPages(
            connections, users, store, deepest, settings.cache_near_mb * 2**20
        ),
        suggestions=CachedSuggestions(
            suggestions, users, store, deepest, settings.cache_suggestion_ttl
        ),
        requests=CachedConnectionRequests(requests, users, store, deepest),
        invalidation=Invalidation(store),
    )

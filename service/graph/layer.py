"""The graph layer as the composition root wires it: one runner and one DAO per concept."""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import Driver

from service.graph.breaker import CircuitBreaker
from service.graph.community import CommunityStore
from service.graph.connections import ConnectionPages
from service.graph.events import EventLog
from service.graph.explore import Explore
from service.graph.health import Health
from service.graph.requests import ConnectionRequests
from service.graph.runner import Runner, Tuning
from service.graph.suggestions import Suggestions
from service.graph.users import Users


@dataclass(frozen=True)
class GraphLayer:
    """The runner and the DAOs over it; `close` is the runner's (a worker exiting)."""

    runner: Runner
    health: Health
    users: Users
    connections: ConnectionPages
    suggestions: Suggestions
    requests: ConnectionRequests
    community: CommunityStore
    events: EventLog
    explore: Explore

    @property
    def driver(self) -> Driver:
        return self.runner.driver

    @property
    def database(self) -> str:
        return self.runner.database

    def start_warm_up(self) -> None:
        """Warm the API's queries up in the runner's own thread (a fresh gunicorn worker)."""
        self.runner.start_warm_up()

    def close(self) -> None:
        """Stop the runner's threads, let in-flight work finish, close the driver."""
        self.runner.close()


def open_graph(
    driver: Driver,
    database: str = "neo4j",
    tuning: Tuning | None = None,
    breaker: CircuitBreaker | None = None,
) -> GraphLayer:
    """The DAOs over one runner; each contributes its reads to the runner's warm-up."""
    runner = Runner(driver, database, tuning, breaker)
    layer = GraphLayer(
        runner=runner,
        health=Health(runner),
        users=Users(runner),
        connections=ConnectionPages(runner),
        suggestions=Suggestions(runner),
        requests=ConnectionRequests(runner),
        community=CommunityStore(runner),
        events=EventLog(runner),
        explore=Explore(runner),
    )
    # The load's hot paths (hot=True) run first, in this order.
    for dao in (
        layer.health,
        layer.users,
        layer.connections,
        layer.suggestions,
        layer.requests,
        layer.community,
        layer.explore,
    ):
        runner.add_warm_up(dao.warm_up_calls())
    return layer

"""Readiness: ready only when every index the API relies on is ONLINE; cached briefly."""

import pytest

from service.domain.errors import NotReady
from service.domain.health import Readiness
from service.graph.errors import GraphUnavailable
from tests.unit.fakes import FakeGraph


class CountingGraph(FakeGraph):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.index_reads = 0

    def index_states(self):
        self.index_reads += 1
        return super().index_states()


def test_ready_when_every_index_is_online_and_cached_for_the_ttl():
    clock = [0.0]
    graph = CountingGraph()
    readiness = Readiness(graph, ttl=1.0, clock=lambda: clock[0])
    assert readiness.report() == {"status": "ok"}
    readiness.require()
    assert graph.index_reads == 1
    clock[0] = 1.01
    readiness.require()
    assert graph.index_reads == 2


def test_populating_index_is_reported_with_its_percentage():
    graph = CountingGraph()
    graph.index_state = {"connection_order": "POPULATING"}
    with pytest.raises(NotReady) as caught:
        Readiness(graph).require()
    report = caught.value.report
    assert report["status"] == "unavailable"
    assert report["indexes"] == {"connection_order": {"state": "POPULATING", "population": 100.0}}
    assert "connection_order POPULATING" in report["detail"]


def test_not_ready_is_rechecked_sooner_and_unreachable_is_never_cached():
    clock = [0.0]
    graph = CountingGraph()
    graph.index_state = {"connection_order": "POPULATING"}
    readiness = Readiness(graph, ttl=1.0, not_ready_ttl=0.25, clock=lambda: clock[0])
    with pytest.raises(NotReady):
        readiness.require()
    graph.index_state = {}
    clock[0] = 0.3
    readiness.require()  # online again after a quarter second, not a full ttl
    graph.fail = GraphUnavailable("down")
    clock[0] = 2.0
    with pytest.raises(GraphUnavailable):
        readiness.require()
    graph.fail = None
    readiness.require()

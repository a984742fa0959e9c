"""Choosing between Bolt and the neo4j-admin bulk path, and checking the import totals."""

import dataclasses

import pytest

from service.config import Settings
from service.ingest.generate import GeneratorConfig
from service.ingest.importing import GraphCounts, ImportCountMismatch, ImportSummary, check_counts
from service.ingest.loading import LoadError, choose_method

MANAGED = Settings()
EXTERNAL = dataclasses.replace(Settings(), neo4j_external=True)
EMPTY, FULL = GraphCounts(0, 0, 0), GraphCounts(5, 1, 0)
BIG = GeneratorConfig(users=1_000_000, avg_degree=20)
SMALL = GeneratorConfig(users=3000, avg_degree=8)


@pytest.mark.parametrize(
    "settings, cfg, counts, method, chosen",
    [
        (MANAGED, BIG, EMPTY, "auto", "bulk"),
        (MANAGED, SMALL, EMPTY, "auto", "bolt"),  # a restart costs more than a small Bolt load
        (MANAGED, BIG, FULL, "auto", "bolt"),  # bulk would replace the data already there
        (EXTERNAL, BIG, EMPTY, "auto", "bolt"),  # no neo4j-admin for someone else's server
        (MANAGED, SMALL, EMPTY, "bulk", "bulk"),
        (MANAGED, BIG, EMPTY, "bolt", "bolt"),
    ],
)
def test_choose_method(settings, cfg, counts, method, chosen):
    assert choose_method(settings, cfg, counts, method) == chosen


@pytest.mark.parametrize(
    "settings, counts, message",
    [
        (MANAGED, FULL, "replaces the database, which holds 5 users"),
        (EXTERNAL, EMPTY, "managed Neo4j"),
    ],
)
def test_bulk_is_refused_where_it_would_harm(settings, counts, message):
    with pytest.raises(LoadError, match=message):
        choose_method(settings, SMALL, counts, "bulk")


def test_count_check_catches_lost_writes():
    summary = ImportSummary(
        users_created=2,
        connections_created=3,
        requests_created=1,
        requests_superseded=1,
        before=GraphCounts(1, 1, 1),
    )
    summary.after = GraphCounts(3, 4, 1)
    check_counts(summary)
    summary.after = GraphCounts(3, 3, 1)
    with pytest.raises(ImportCountMismatch, match="differ from the expected"):
        check_counts(summary)

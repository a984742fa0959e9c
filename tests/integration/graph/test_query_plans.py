"""No query on a request path plans a scan, whatever the statistics say.

The planner picks between an index seek and a scan by cost, from index samples that lag the
data: a suite run once planned schema/connection_pair as a full index scan plus a filter
(stale samples of a near-empty index), which on the 1M graph would read 20M entries per
candidate. The seeks the API relies on carry `USING INDEX SEEK`, and this test EXPLAINs every
request-path query (no parameters needed) and fails on any operator that scans.
"""

import pytest

from service.graph import cypher

REQUEST_PATHS = ("api/", "lifecycle/", "sync/", "explore/")
# Not on a request path: `db init` runs it once over all requests that have no id yet.
OFFLINE = {"lifecycle/assign_request_ids"}


def operators(plan) -> list[str]:
    names = [plan["operatorType"].split("@")[0]]
    for child in plan.get("children", []):
        names += operators(child)
    return names


@pytest.mark.parametrize(
    "name",
    [n for prefix in REQUEST_PATHS for n in cypher.names(prefix) if n not in OFFLINE],
)
def test_request_path_query_plans_no_scan(clean_db, neo4j_settings, name):
    _, summary, _ = clean_db.execute_query(
        "EXPLAIN " + cypher.query(name), database_=neo4j_settings.neo4j_database
    )
    scans = [op for op in operators(summary.plan) if "Scan" in op]
    assert scans == [], f"{name} plans {scans}"


def test_the_check_sees_a_scan(clean_db, neo4j_settings):
    # The same check on a query that must scan: it is not vacuous.
    _, summary, _ = clean_db.execute_query(
        "EXPLAIN MATCH (u:User) RETURN count(u.status) AS n",
        database_=neo4j_settings.neo4j_database,
    )
    assert "NodeByLabelScan" in operators(summary.plan)

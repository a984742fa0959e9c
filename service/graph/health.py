"""Health: Neo4j answers, and the states of the indexes the API's queries rely on."""

from __future__ import annotations

from service.graph import cypher
from service.graph.runner import Runner, WarmUpCall

# The indexes the API's queries rely on: one per `cypher/schema/` file, named like the file.
# While one is not ONLINE the planner would scan instead, so the API answers 503 (readiness).
REQUIRED_INDEXES = tuple(name.removeprefix("schema/") for name in cypher.names("schema/"))


class Health:
    """What readiness asks the graph."""

    def __init__(self, runner: Runner):
        self.runner = runner

    def warm_up_calls(self) -> list[WarmUpCall]:
        return [WarmUpCall("index_states", self.index_states, hot=True)]

    def ping(self) -> bool:
        """Neo4j answers (else GraphUnavailable)."""
        return self.runner.ping()

    def index_states(self) -> dict[str, dict]:
        """`{name: {"state", "population"}}` for every index the API needs (MISSING if absent)."""

        def work(tx):
            rows = tx.run(cypher.query("admin/index_states"), names=list(REQUIRED_INDEXES))
            return {r["name"]: {"state": r["state"], "population": r["population"]} for r in rows}

        found = self.runner.read(work)
        missing = {"state": "MISSING", "population": 0.0}
        return {name: found.get(name, missing) for name in REQUIRED_INDEXES}

"""Community options as stored in the database (the domain decides which it knows)."""

from __future__ import annotations

from service.graph import cypher
from service.graph.runner import Runner, WarmUpCall


class CommunityStore:
    """Reads and writes of the community settings node."""

    def __init__(self, runner: Runner):
        self.runner = runner

    def warm_up_calls(self) -> list[WarmUpCall]:
        return [WarmUpCall("get_community_settings", self.get_community_settings)]

    def get_community_settings(self) -> dict:
        """The community options stored in the database; absent options are left out."""

        def work(tx):
            stored = tx.run(cypher.query("community/get_settings")).single()["settings"]
            return _options(stored)

        return self.runner.read(work)

    def set_community_settings(self, values: dict) -> dict:
        """Store community options (a name -> value map) and return what is stored now."""

        def work(tx):
            stored = tx.run(cypher.query("community/set_settings"), values=values).single()
            return _options(stored["settings"])

        return self.runner.write(work)


def _options(stored: dict) -> dict:
    # `name` is the settings node's key; the domain decides which options it knows.
    return {name: value for name, value in stored.items() if name != "name"}

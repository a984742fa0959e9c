"""The event log as a reader sees it: the lifecycle's events after a given id."""

from __future__ import annotations

from service.graph import lifecycle as lifecycle_tx
from service.graph.runner import Runner


class EventLog:
    """Reads of the `(:Event)` log (written by the lifecycle's transactions)."""

    def __init__(self, runner: Runner):
        self.runner = runner

    def read_events(self, after: int, limit: int = 1000) -> list[dict]:
        """Events with id > `after`, oldest first, at most `limit`."""
        return self.runner.read(lifecycle_tx.read_events, after, limit)

"""Connection request lists: the requests a user received (pending) or sent."""

from __future__ import annotations

from service.graph import cypher
from service.graph import lifecycle as lifecycle_tx
from service.graph.rows import native, user_rows
from service.graph.runner import WARM_UP_USER, Runner, WarmUpCall

_REQUEST_QUERIES = {
    "received": ("api/count_received_requests", "api/received_requests_page"),
    "sent": ("api/count_sent_requests", "api/sent_requests_page"),
}


class ConnectionRequests:
    """Pages of Connection Request objects, with full user rows as the user sees them."""

    def __init__(self, runner: Runner):
        self.runner = runner

    def warm_up_calls(self) -> list[WarmUpCall]:
        return [
            WarmUpCall("requests_received", lambda: self._warm_up("received")),
            WarmUpCall("requests_sent", lambda: self._warm_up("sent")),
        ]

    def _warm_up(self, direction: str) -> None:
        self.list_connection_requests(WARM_UP_USER, direction, 0, 20)

    def list_connection_requests(
        self, user_id: int, direction: str, offset: int, limit: int
    ) -> tuple[int, list[dict]]:
        """`(count, page)` of the requests the user received (pending) or sent (all).

        `direction` is "received" or "sent"; each item is `{id, from_user, to_user, created,
        rejected, viewed}` with full user rows as the user sees them. Newest first, ties by the
        other user's id. Imported requests without an id are numbered first (one write).
        """
        if direction not in _REQUEST_QUERIES:
            raise ValueError(f"unknown direction {direction!r}")
        count_query, page_query = _REQUEST_QUERIES[direction]

        def work(tx):
            count = tx.run(cypher.query(count_query), user_id=user_id).single()
            count = 0 if count is None else count["count"]
            if offset >= count:
                return count, [], False
            rows = [
                dict(row)
                for row in tx.run(
                    cypher.query(page_query), user_id=user_id, skip=offset, limit=limit
                )
            ]
            if any(row["id"] is None for row in rows):
                return count, rows, True
            ids = list(dict.fromkeys([r["from_id"] for r in rows] + [r["to_id"] for r in rows]))
            users = {row["id"]: row for row in user_rows(tx, ids, user_id)}
            return count, [_request_item(row, users) for row in rows], False

        count, page, unnumbered = self.runner.read(work)
        if unnumbered:
            self.runner.write(lifecycle_tx.assign_request_ids, user_id)
            count, page, _ = self.runner.read(work)
        return count, page

    def count_sent_requests(self, user_id: int) -> int:
        """How many requests the user has sent and not seen answered (rejected ones included:
        their sender is never told)."""
        return self.runner.read(_count, "api/count_sent_requests", user_id)


def _count(tx, query: str, user_id: int) -> int:
    record = tx.run(cypher.query(query), user_id=user_id).single()
    return 0 if record is None else record["count"]


def _request_item(row: dict, users: dict[int, dict]) -> dict:
    """A Connection Request object's data: full users in, datetimes as Python datetimes."""
    return {
        "id": row["id"],
        "from_user": dict(users[row["from_id"]]),
        "to_user": dict(users[row["to_id"]]),
        "created": native(row["created"]),
        "rejected": native(row["rejected"]),
        "viewed": native(row["viewed"]),
    }

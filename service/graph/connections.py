"""A user's connection pages, with the anchor cache that starts deep pages of big users."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from service.graph import cypher
from service.graph.errors import UserNotFound
from service.graph.rows import user_row
from service.graph.runner import WARM_UP_USER, Runner, WarmUpCall

# Above any user's possible number of connections (and far below 2**63).
_FAR_OFFSET = 2**40


@dataclass(frozen=True)
class _Anchors:
    """Every `every`-th key of one user's list, and what the list looked like then."""

    count: int
    newest: list
    keys: list
    every: int
    taken: float


class ConnectionPages:
    """`list_user_connections` over the runner; anchors per process, shared by its threads."""

    def __init__(self, runner: Runner):
        self.runner = runner
        self.tuning = runner.tuning
        # user id -> _Anchors; per process (one runner per worker), shared by its threads
        self._anchors: dict[int, _Anchors] = {}

    def warm_up_calls(self) -> list[WarmUpCall]:
        user = WARM_UP_USER
        return [
            WarmUpCall(
                "list_user_connections",
                lambda: self.list_user_connections(user, None, 0, 20),
                hot=True,
            ),
            WarmUpCall(
                "list_user_connections_viewer",
                lambda: self.list_user_connections(user, 1, 0, 20),
                hot=True,
            ),
        ]

    def list_user_connections(
        self, user_id: int, viewer_id: int | None, offset: int, limit: int
    ) -> tuple[int, list[dict]]:
        """`(count, page)` of the user's connections from one read transaction.

        One round trip (api/connections_page: count, page, rows, counters, statuses). Deep
        pages of big users start from a cached anchor key (one round trip, checked against the
        list's count and newest entry); without one, a page in the older half of a list takes
        a second round trip reading from the oldest end, and a big user's anchors are built.
        """
        # Any offset past every possible count reads nothing; clamping keeps Cypher's
        # 2 * offset + limit far from 64-bit overflow.
        offset = min(offset, _FAR_OFFSET)

        def work(tx):
            anchored = self._anchored_page(tx, user_id, viewer_id, offset, limit)
            if anchored is not None:
                return anchored
            return self._page(tx, user_id, viewer_id, offset, limit)

        return self.runner.read(work)

    def _page(
        self, tx: Any, user_id: int, viewer_id: int | None, offset: int, limit: int
    ) -> tuple[int, list[dict]]:
        """`(count, page)` skipping from the newest end, or from the oldest for the older half."""
        head = tx.run(
            cypher.query("api/connections_page"),
            user_id=user_id,
            viewer_id=viewer_id,
            offset=offset,
            limit=limit,
            oldest_from=self.tuning.oldest_from,
        ).single()
        if not head["found"]:
            raise UserNotFound(user_id)
        count = head["count"]
        if count >= self.tuning.anchor_min and self.tuning.anchor_every <= offset < count:
            self._take_anchors(tx, user_id)
        if not head["from_oldest"]:
            return count, [user_row(row) for row in head["rows"]]
        end = min(offset + limit, count)
        rows = tx.run(
            cypher.query("api/connections_page_oldest"),
            user_id=user_id,
            viewer_id=viewer_id,
            skip=count - end,
            limit=end - offset,
        ).single()["rows"]
        return count, [user_row(row) for row in rows]

    def _anchored_page(
        self, tx: Any, user_id: int, viewer_id: int | None, offset: int, limit: int
    ) -> tuple[int, list[dict]] | None:
        """`(count, page)` from a cached anchor, or None when there is no valid one."""
        anchors = self._anchors.get(user_id)
        if anchors is None or offset < anchors.every or offset >= anchors.count:
            return None
        if time.monotonic() - anchors.taken > self.tuning.anchor_ttl:
            self._anchors.pop(user_id, None)
            return None
        position = offset // anchors.every
        anchor_at, anchor_neg = anchors.keys[position]
        record = tx.run(
            cypher.query("api/connections_page_anchored"),
            user_id=user_id,
            viewer_id=viewer_id,
            anchor_at=anchor_at,
            anchor_neg=anchor_neg,
            skip=offset - position * anchors.every,
            limit=limit,
        ).single()
        # A live write adds a connection at the newest end or removes one (the count moves):
        # either way the anchors' positions are off, so they are dropped and rebuilt.
        if record is None or (record["count"], record["newest"]) != (anchors.count, anchors.newest):
            self._anchors.pop(user_id, None)
            return None
        return record["count"], [user_row(row) for row in record["rows"]]

    def _take_anchors(self, tx: Any, user_id: int) -> None:
        every = self.tuning.anchor_every
        record = tx.run(
            cypher.query("api/connection_anchors"), user_id=user_id, every=every
        ).single()
        self._anchors[user_id] = _Anchors(
            count=record["count"],
            newest=record["newest"],
            keys=record["anchors"],
            every=every,
            taken=time.monotonic(),
        )

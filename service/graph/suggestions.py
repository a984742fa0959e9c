"""Friend-of-friend suggestions for a user, read within a bounded neighbourhood."""

from __future__ import annotations

from service.graph import cypher
from service.graph.errors import UserNotFound
from service.graph.rows import user_row
from service.graph.runner import WARM_UP_USER, Runner, WarmUpCall


class Suggestions:
    """The suggestion endpoint's read (stored lists for heavy users: suggestion_lists.py)."""

    def __init__(self, runner: Runner):
        self.runner = runner
        self.tuning = runner.tuning

    def warm_up_calls(self) -> list[WarmUpCall]:
        return [
            WarmUpCall("suggest_users", lambda: self.suggest_users(WARM_UP_USER, 0, 20), hot=True)
        ]

    def suggest_users(self, user_id: int, offset: int, limit: int) -> tuple[int, list[dict]]:
        """`(count, page)` of friend-of-friend suggestions for the user, as full user rows.

        Ranked by mutual connections, then id, within a bounded neighbourhood (the user's
        `suggestion_friends` newest connections, `suggestion_fanout` newest of each; exact
        below that, see api/suggestions_page), in one round trip; `connection_status` is
        relative to the user.
        """
        # Cypher list indices are 32-bit; no ranking is anywhere near 2**30 long.
        offset = min(offset, 2**30)

        def work(tx):
            record = tx.run(
                cypher.query("api/suggestions_page"),
                user_id=user_id,
                offset=offset,
                limit=limit,
                friend_cap=self.tuning.suggestion_friends,
                fanout=self.tuning.suggestion_fanout,
                seek_budget=self.tuning.suggestion_seeks,
            ).single()
            if not record["found"]:
                raise UserNotFound(user_id)
            return record["count"], [user_row(row) for row in record["rows"]]

        return self.runner.read(work)

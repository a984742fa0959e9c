"""Users as a viewer sees them: the viewer's own record, one user's row, pair states."""

from __future__ import annotations

from service.graph import cypher
from service.graph import lifecycle as lifecycle_tx
from service.graph.errors import UserNotFound
from service.graph.rows import user_rows
from service.graph.runner import WARM_UP_USER, Runner, WarmUpCall


class Users:
    """Reads of users and of the pair states between a viewer and other users."""

    def __init__(self, runner: Runner):
        self.runner = runner

    def warm_up_calls(self) -> list[WarmUpCall]:
        user = WARM_UP_USER
        return [
            WarmUpCall("find_viewer", lambda: self.find_viewer(user), hot=True),
            WarmUpCall("find_user", lambda: self.find_user(user, 1)),
            WarmUpCall("find_rows", lambda: self.find_rows([user], 1)),
            WarmUpCall("read_pair_states", lambda: self.read_pair_states(user, [user])),
        ]

    def find_viewer(self, user_id: int) -> dict | None:
        """`{"is_staff": bool}` for an active user, None when the id is not an active user."""

        def work(tx):
            record = tx.run(cypher.query("api/find_viewer"), user_id=user_id).single()
            return None if record is None else {"is_staff": bool(record["is_staff"])}

        return self.runner.read(work)

    def find_user(self, user_id: int, viewer_id: int | None) -> dict:
        """The active user's full row as the viewer sees it; UserNotFound otherwise."""

        def work(tx):
            rows = user_rows(tx, [user_id], viewer_id)
            if not rows or rows[0].get("status") != "a":
                raise UserNotFound(user_id)
            return rows[0]

        return self.runner.read(work)

    def find_rows(self, ids: list[int], viewer_id: int | None) -> list[dict]:
        """Full rows (any status) for the ids that are users, in that order, as the viewer
        sees them: what the cache (service/cache/) fills its objects from."""
        return self.runner.read(user_rows, ids, viewer_id)

    def read_pair_states(self, viewer_id: int, ids: list[int]) -> dict[int, dict]:
        """`{id: {active, connected, sent, received}}` between the viewer and each user id."""
        return self.runner.read(lifecycle_tx.read_pairs, viewer_id, ids)

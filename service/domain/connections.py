"""The connections service: who may list, see and change whose connections, and what they see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from service.config import Settings
from service.domain import auth
from service.domain.community import CommunitySettings
from service.domain.errors import (
    ActionNotAllowed,
    FollowModeEnabled,
    NotAuthenticated,
    TooManyPendingRequests,
)
from service.domain.lifecycle import Action, apply_change, classify, status_of
from service.domain.ports import (
    NO_CACHE,
    CacheInvalidation,
    ConnectionPageJson,
    ConnectionPageReads,
    GraphPorts,
)
from service.domain.schemas import is_user_id
from service.domain.user_json import PRIVATE_FIELDS, UserJson, encode_user, status_json
from service.graph.errors import UserNotFound
from service.observability import metrics


@dataclass(frozen=True)
class Viewer:
    """The authenticated, active user making the request."""

    user_id: int
    is_staff: bool


class Access(Enum):
    """Who may call an endpoint: each names one of the community's access rules below."""

    CONNECTIONS = "connections"  # a user's connections: not in follow mode; anonymous if open
    PROFILE = "profile"  # a user's profile: anonymous if content is open, in either mode
    SUGGESTIONS = "suggestions"  # a signed-in user, not in follow mode
    LIFECYCLE = "lifecycle"  # writes and request lists: a signed-in user, not in follow mode
    SIGNED_IN = "signed_in"  # a signed-in user, in either mode


class EncodedConnectionPages:
    """`ConnectionPageJson` over plain pages (the graph without the cache): rows encoded."""

    def __init__(self, inner: ConnectionPageReads):
        self.inner = inner

    def list_user_connections_json(
        self, user_id: int, viewer_id: int | None, offset: int, limit: int
    ) -> tuple[int, list[tuple[UserJson, bytes]]]:
        count, rows = self.inner.list_user_connections(user_id, viewer_id, offset, limit)
        return count, [(encode_user(row), status_json(row["connection_status"])) for row in rows]


class ConnectionsService:
    """Authentication, the community rules and the listing, over the graph layer."""

    def __init__(
        self,
        graph: GraphPorts,
        settings: Settings,
        community: CommunitySettings | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        cache: CacheInvalidation = NO_CACHE,
    ):
        self.graph = graph
        pages = graph.connections
        self.connection_json = (
            pages if isinstance(pages, ConnectionPageJson) else EncodedConnectionPages(pages)
        )
        self.cache = cache
        self.settings = settings
        self.community = community or CommunitySettings(graph.community, settings)
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def authenticate(self, authorization: str | None) -> Viewer | None:
        """The viewer named by a Bearer token; None when anonymous; NotAuthenticated if invalid."""
        try:
            token = auth.bearer_token(authorization)
            if token is None:
                return None
            user_id = auth.decode_token(
                token, self.settings.jwt_secret, max_lifetime=self.settings.jwt_max_lifetime
            )
        except auth.InvalidToken as exc:
            raise NotAuthenticated(str(exc)) from None
        if not is_user_id(user_id):
            # Out of Neo4j's integer range: cannot be a user, and must not reach the driver.
            raise NotAuthenticated("Token user is not an active user.")
        found = self.graph.users.find_viewer(user_id)
        if found is None:
            raise NotAuthenticated("Token user is not an active user.")
        return Viewer(user_id=user_id, is_staff=found["is_staff"])

    def admit(self, authorization: str | None, access: Access) -> Viewer | None:
        """The viewer the Authorization header names, once `access` lets them in (401/403).

        The token is checked first (a bad one is 401 whatever the rule), then the rule.
        """
        viewer = self.authenticate(authorization)
        if access is Access.CONNECTIONS:
            self.check_access(viewer)
        elif access is Access.PROFILE:
            self.check_profile_access(viewer)
        elif access is Access.SUGGESTIONS:
            self.check_suggestion_access(viewer)
        elif access is Access.LIFECYCLE:
            viewer = self.check_lifecycle_access(viewer)
        else:
            viewer = self.require_viewer(viewer)
        return viewer

    def check_access(self, viewer: Viewer | None) -> None:
        """Apply `follow_enabled` (403) and `content_availability` (401 for anonymous)."""
        options = self.community.current()
        if options.follow_enabled:
            raise FollowModeEnabled(
                "Connections are not available: the community is in follow mode "
                "(follow_enabled is true)."
            )
        if viewer is None and not options.content_availability:
            raise NotAuthenticated("Authentication credentials were not provided.")

    def check_profile_access(self, viewer: Viewer | None) -> None:
        """A user's profile: anonymous allowed unless content_availability is false (401).

        A profile exists in both community modes, so follow mode does not hide it.
        """
        if viewer is None and not self.community.current().content_availability:
            raise NotAuthenticated("Authentication credentials were not provided.")

    def check_suggestion_access(self, viewer: Viewer | None) -> None:
        """Suggestions are for a signed-in user (401), and only in friendship mode (403)."""
        if viewer is None:
            raise NotAuthenticated("Authentication credentials were not provided.")
        if self.community.current().follow_enabled:
            raise FollowModeEnabled(
                "Suggestions are not available: the community is in follow mode "
                "(follow_enabled is true)."
            )

    def suggest_users(self, viewer: Viewer, offset: int, limit: int) -> tuple[int, list[dict]]:
        """`(count, users)`: one page of users suggested to the viewer, best first."""
        count, users = self.graph.suggestions.suggest_users(viewer.user_id, offset, limit)
        return count, self._hide_private(viewer, users)

    def list_connections(
        self, user_id: int, viewer: Viewer | None, offset: int, limit: int
    ) -> tuple[int, list[bytes]]:
        """`(count, users)`: one page of the user's connections as the viewer may see them,
        each user as its JSON (what the page is spliced from)."""
        count, users = self.connection_json.list_user_connections_json(
            user_id, viewer.user_id if viewer else None, offset, limit
        )
        return count, [
            user.render(status, _may_see_private(viewer, user.id)) for user, status in users
        ]

    def require_viewer(self, viewer: Viewer | None) -> Viewer:
        """The connection API's own endpoints need a signed-in user (401)."""
        if viewer is None:
            raise NotAuthenticated("Authentication credentials were not provided.")
        return viewer

    def check_lifecycle_access(self, viewer: Viewer | None) -> Viewer:
        """Writes and request lists: a signed-in user (401), in friendship mode (403)."""
        viewer = self.require_viewer(viewer)
        if self.community.current().follow_enabled:
            raise FollowModeEnabled(
                "Connection requests are not available: the community is in follow mode "
                "(follow_enabled is true)."
            )
        return viewer

    def change_connection(self, viewer: Viewer, other_id: int, action: Action) -> str | None:
        """Apply the viewer's action on the pair in one write transaction; the new status."""
        if other_id == viewer.user_id:
            raise ActionNotAllowed("You cannot do this to yourself.")
        if action is Action.REQUEST:
            self._check_pending_cap(viewer)
        outcome = self.graph.runner.write(
            apply_change, viewer.user_id, other_id, action, self.clock()
        )
        if outcome.changed:
            # Committed: every later read, on any worker or node, must see it (docs/cache.md).
            self.cache.users_changed([viewer.user_id, other_id])
        if outcome.event is not None:
            metrics.EVENTS_APPENDED.labels(outcome.event).inc()
        return outcome.status

    def _check_pending_cap(self, viewer: Viewer) -> None:
        # Read before the write, not in it: concurrent requests of one user can pass the cap by
        # as many as are in flight at once (the writes budget bounds those).
        cap = self.settings.max_pending_requests
        if cap and self.graph.requests.count_sent_requests(viewer.user_id) >= cap:
            raise TooManyPendingRequests(
                f"You have {cap} connection requests waiting for an answer, the most allowed; "
                "cancel one (or wait for answers) before sending another."
            )

    def connection_status(self, viewer: Viewer, other_id: int) -> str | None:
        """The other user's connection_status as the viewer sees it (null for oneself)."""
        if other_id == viewer.user_id:
            return None
        facts = self.graph.users.read_pair_states(viewer.user_id, [other_id]).get(other_id)
        if facts is None or not facts["active"]:
            raise UserNotFound(other_id)
        return status_of(classify(facts))

    def connection_statuses(
        self, viewer: Viewer, ids: list[tuple[str, int]]
    ) -> dict[str, str | None]:
        """`{key: status}` for every `(key, id)` asked; unknown, inactive and oneself are null."""
        wanted = list(dict.fromkeys(i for _, i in ids))
        found = self.graph.users.read_pair_states(
            viewer.user_id, [i for i in wanted if is_user_id(i) and i != viewer.user_id]
        )
        return {
            key: status_of(classify(found[i])) if i in found and found[i]["active"] else None
            for key, i in ids
        }

    def list_connection_requests(
        self, viewer: Viewer, direction: str, offset: int, limit: int
    ) -> tuple[int, list[dict]]:
        """`(count, requests)` the viewer received (pending) or sent, newest first.

        The sender is never told of a rejection: `rejected` is null in the sent list.
        """
        count, items = self.graph.requests.list_connection_requests(
            viewer.user_id, direction, offset, limit
        )
        for item in items:
            self._hide_private(viewer, [item["from_user"], item["to_user"]])
            if direction == "sent":
                item["rejected"] = None
        return count, items

    def get_user(self, user_id: int, viewer: Viewer | None) -> dict:
        """One active user as the viewer may see them; UserNotFound otherwise."""
        user = self.graph.users.find_user(user_id, viewer.user_id if viewer else None)
        return self._hide_private(viewer, [user])[0]

    def get_counters(self, user_id: int) -> dict:
        """The active user's counters (`GET /api/v2/user/{id}/counters/`); UserNotFound else.

        From the same user object as every list (the cache's, when it is on)."""
        user = self.graph.users.find_user(user_id, None)
        counters = {
            name: user.get(f"{name}_counter") or 0
            for name in ("discussions", "posts", "statuses", "polls")
        }
        if not self.community.current().follow_enabled:
            for name in ("connection_requests_sent", "connection_requests_received", "connections"):
                counters[name] = user[f"{name}_counter"]
        return counters

    @staticmethod
    def _hide_private(viewer: Viewer | None, users: list[dict]) -> list[dict]:
        for user in users:
            if not _may_see_private(viewer, user["id"]):
                for name in PRIVATE_FIELDS:
                    user[name] = None
        return users


def _may_see_private(viewer: Viewer | None, user_id: int) -> bool:
    return viewer is not None and (viewer.is_staff or viewer.user_id == user_id)

"""The connections service: who may list whose connections, and the page they see."""

from __future__ import annotations

from dataclasses import dataclass

from service.config import Settings
from service.domain import auth
from service.domain.community import CommunitySettings
from service.domain.errors import FollowModeEnabled, NotAuthenticated

PRIVATE_FIELDS = ("email", "email_isvalid")


@dataclass(frozen=True)
class Viewer:
    """The authenticated, active user making the request."""

    user_id: int
    is_staff: bool


class ConnectionsService:
    """Authentication, the community rules and the listing, over the graph layer."""

    def __init__(self, graph, settings: Settings, community: CommunitySettings | None = None):
        self.graph = graph
        self.settings = settings
        self.community = community or CommunitySettings(graph, settings)

    def authenticate(self, authorization: str | None) -> Viewer | None:
        """The viewer named by a Bearer token; None when anonymous; NotAuthenticated if invalid."""
        try:
            token = auth.bearer_token(authorization)
            if token is None:
                return None
            user_id = auth.decode_token(token, self.settings.jwt_secret)
        except auth.InvalidToken as exc:
            raise NotAuthenticated(str(exc)) from None
        if not 1 <= user_id <= 2**63 - 1:
            # Out of Neo4j's integer range: cannot be a user, and must not reach the driver.
            raise NotAuthenticated("Token user is not an active user.")
        found = self.graph.find_viewer(user_id)
        if found is None:
            raise NotAuthenticated("Token user is not an active user.")
        return Viewer(user_id=user_id, is_staff=found["is_staff"])

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
        count, users = self.graph.suggest_users(viewer.user_id, offset, limit)
        return count, self._hide_private(viewer, users)

    def list_connections(
        self, user_id: int, viewer: Viewer | None, offset: int, limit: int
    ) -> tuple[int, list[dict]]:
        """`(count, users)`: one page of the user's connections as the viewer may see them."""
        count, users = self.graph.list_user_connections(
            user_id, viewer.user_id if viewer else None, offset, limit
        )
        return count, self._hide_private(viewer, users)

    @staticmethod
    def _hide_private(viewer: Viewer | None, users: list[dict]) -> list[dict]:
        for user in users:
            if not _may_see_private(viewer, user["id"]):
                for name in PRIVATE_FIELDS:
                    user[name] = None
        return users


def _may_see_private(viewer: Viewer | None, user_id: int) -> bool:
    return viewer is not None and (viewer.is_staff or viewer.user_id == user_id)

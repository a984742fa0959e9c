"""What the domain layer raises; messages are safe to show the client."""


class NotAuthenticated(Exception):
    """The request needs valid credentials (401)."""


class FollowModeEnabled(Exception):
    """The community runs in follow mode, where connections do not exist (403)."""


class ActionNotAllowed(Exception):
    """A connection action that cannot be reached from the pair's state, or on oneself (400)."""


class InvalidBody(Exception):
    """The request body is malformed; `messages` names each field (400)."""

    def __init__(self, messages: dict):
        super().__init__(messages)
        self.messages = messages


class NotReady(Exception):
    """An index the API relies on is not ONLINE; `report` says which and how far along."""

    def __init__(self, report: dict):
        super().__init__(report.get("detail", "not ready"))
        self.report = report


class InvalidEvent(ValueError):
    """A received body is not a SelfCommunity event this service can apply; the message says
    why (400). Nothing is written when it is raised."""

"""What the domain layer raises; messages are safe to show the client."""


class NotAuthenticated(Exception):
    """The request needs valid credentials (401)."""


class FollowModeEnabled(Exception):
    """The community runs in follow mode, where connections do not exist (403)."""

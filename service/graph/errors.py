"""What the graph layer raises; the HTTP layer and the CLI map these once."""


class UserNotFound(Exception):
    """No active :User with that id."""


class GraphUnavailable(Exception):
    """Neo4j cannot answer right now (unreachable, or the query hit its timeout)."""


class Neo4jUnreachable(GraphUnavailable):
    """Neo4j could not be reached at all (down, starting, or its database unavailable)."""

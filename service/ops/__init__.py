"""Running it: the managed local Neo4j and Redis servers and the gunicorn config.

May import: graph (the ping query), config, observability.
"""

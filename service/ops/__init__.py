"""Running it: the managed local Neo4j server and the gunicorn config.

May import graph (the ping query) and config.
"""

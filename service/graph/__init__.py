"""Neo4j: the driver, the query loader over cypher/, reads and writes as plain data.

May import: config, observability.
Nothing here knows about HTTP.
"""

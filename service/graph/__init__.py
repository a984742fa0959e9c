"""Neo4j: the driver, the query loader over cypher/, reads and writes as plain data.

May import config only; nothing here knows about HTTP.
"""

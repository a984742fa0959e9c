"""Neo4j: the driver, the query loader, one runner and one DAO per concept over cypher/.

May import: config, observability.
Nothing here knows about HTTP.
"""

"""The shared read-through cache in Redis: objects and associations, kept exact by the writes.

May import: domain, graph, config, observability.
Never the neo4j driver.
"""

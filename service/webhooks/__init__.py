"""Webhooks in and out: SelfCommunity's signature, receiving events, the delivery worker.

May import: domain, graph, config, observability.
The HTTP layer calls in here, never the other way. Never the neo4j driver.
"""

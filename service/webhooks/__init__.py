"""Webhooks in and out, the transport: SelfCommunity's signature, parsing events, delivery.

May import: domain, graph, config, observability.
The HTTP layer calls in here, never the other way. Never the neo4j driver.
"""

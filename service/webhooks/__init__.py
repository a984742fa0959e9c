"""Webhooks in and out: SelfCommunity's signature, receiving events, the delivery worker.

May import domain, graph and config; the HTTP layer calls in here, never the other way.
"""

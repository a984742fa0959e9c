"""The analysts' catalogue of read-only queries (cypher/analytics/) and its output.

May import: graph, domain (the stored User fields), config.
"""

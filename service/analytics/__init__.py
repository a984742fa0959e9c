"""The analysts' catalogue of read-only queries (cypher/analytics/) and its output.

May import: graph, config.
"""

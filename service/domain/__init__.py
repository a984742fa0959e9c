"""The rules: tokens, community options, who may see what, connection state.

May import: graph, config, observability.
Never the neo4j driver, never HTTP.
"""

"""The rules: tokens, community options, who may see what, the lifecycle and received events.

May import: graph, config, observability.
Never the neo4j driver, never HTTP.
"""

"""HTTP: Falcon app factory, resources, error mapping, pagination, OpenAPI, query schemas.

May import: domain, webhooks, config, observability, graph.errors.
Only `app` may also import: graph, cache (it is the composition root that builds the graph layer).
Never the neo4j driver.
"""

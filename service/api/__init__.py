"""HTTP: Falcon app factory, resources, error mapping, pagination, OpenAPI, query schemas.

May import domain, config and graph.errors (to map them); only app.py, the composition root,
builds the graph layer. Never the neo4j driver.
"""

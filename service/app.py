"""`create_app()`: the one place that wires settings, driver, graph layer and resources."""

from __future__ import annotations

import falcon

from service import db, resources
from service.config import Settings
from service.errors import register_error_handlers
from service.graph import Graph


class ConnectionsApp(falcon.App):
    """A falcon.App that keeps its graph layer, so gunicorn's worker_exit can close the driver."""

    graph = None


def create_app(settings: Settings | None = None, graph=None) -> falcon.App:
    """Build the WSGI app; gunicorn calls this in each worker, after fork."""
    settings = settings or Settings.from_env()
    if graph is None:
        driver = db.create_driver(settings)
        graph = Graph(driver, settings.neo4j_database, settings.query_timeout)
    app = ConnectionsApp(cors_enable=False)
    app.req_options.strip_url_path_trailing_slash = False
    register_error_handlers(app)
    app.add_route("/health/live", resources.LiveResource())
    app.add_route("/health/ready", resources.ReadyResource(graph))
    app.graph = graph
    return app

"""Falcon resources: thin HTTP entry points over the graph layer."""

from __future__ import annotations

import falcon


class LiveResource:
    """The process is up (no database call)."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"status": "ok"}


class ReadyResource:
    """The process can serve: the graph database answers a read."""

    def __init__(self, graph):
        self.graph = graph

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.graph.ping()
        resp.media = {"status": "ok"}

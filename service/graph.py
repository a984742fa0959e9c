"""All Neo4j access: verb-named methods returning plain data; nothing here knows about HTTP."""

from __future__ import annotations

from neo4j import Driver

from service import cypher


class Graph:
    """The graph layer over one driver; reads go through managed read transactions."""

    def __init__(self, driver: Driver, database: str = "neo4j", query_timeout: float = 5.0):
        self.driver = driver
        self.database = database
        self.query_timeout = query_timeout

    def _read(self, work, *args):
        with self.driver.session(database=self.database) as session:
            return session.execute_read(work, *args)

    def ping(self) -> bool:
        def work(tx):
            return tx.run(cypher.query("admin/ping")).single()["ok"] == 1

        return self._read(work)

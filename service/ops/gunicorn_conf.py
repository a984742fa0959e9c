"""gunicorn settings from the environment; each worker builds its own app (and driver) after fork."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# sync workers answer `Connection: close`; GUNICORN_WORKER_CLASS=gthread (with threads) keeps
# client connections alive. On the 1M graph the two were within run-to-run noise of each other
# (bench/RESULTS.md, issue 12): Neo4j's time dominates, so the simpler sync worker stays default.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
preload_app = False  # the neo4j driver must be created in the worker, never shared across fork
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")


def worker_exit(server, worker):
    """Close this worker's driver so its Bolt connections end cleanly."""
    graph = getattr(getattr(worker, "wsgi", None), "graph", None)
    driver = getattr(graph, "driver", None)
    if driver is not None:
        driver.close()

"""gunicorn settings from the environment; each worker builds its own app (and driver) after fork."""

import os
import tempfile
from pathlib import Path

# Prometheus multiprocess mode: the variable must be set before any worker imports
# prometheus_client. The master sets it once; gunicorn re-reads this file on HUP, and then
# finds it set and keeps the same folder, so counters survive a rolling restart.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="connections-metrics-")

from service.observability.logs import logconfig_dict as _logconfig_dict  # noqa: E402

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# gthread (the default): a thread pool per worker, client connections kept alive. On the 1M
# graph the endpoint's p50 was 1.70x PostgreSQL's raw query on gthread against 2.67x on sync,
# which answers `Connection: close` and so pays a new TCP connection per request (bench/
# RESULTS.md, issue 12). GUNICORN_WORKER_CLASS=sync selects the sync worker. Both are gunicorn's
# own plus a drain of the listen backlog on SIGTERM (service/ops/worker.py): a graceful stop
# or rolling restart drops no accepted connection.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
_DRAINING = {
    "gthread": "service.ops.worker.DrainingThreadWorker",
    "sync": "service.ops.worker.DrainingSyncWorker",
}
threads = int(os.environ.get("GUNICORN_THREADS", "4" if worker_class == "gthread" else "1"))
worker_class = _DRAINING.get(worker_class, worker_class)
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# SIGTERM (and the old workers of a HUP) finish their in-flight requests within this.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "10"))
preload_app = False  # the neo4j driver must be created in the worker, never shared across fork
# The app writes one JSON access line per request (service.access); gunicorn's is off.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
logconfig_dict = _logconfig_dict(loglevel)


def on_starting(server):
    """A fresh start (not a HUP) forgets the samples of a previous run in the same folder."""
    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink()


def post_worker_init(worker):
    """Warm the API's queries up off the request path: a fresh Neo4j plans each once, slowly."""
    graph = getattr(getattr(worker, "wsgi", None), "graph", None)
    if graph is not None:
        # In the runner's own thread, so worker_exit's close waits for it.
        graph.start_warm_up()


def worker_exit(server, worker):
    """Stop the breaker's probe and close this worker's driver (Bolt connections end cleanly)."""
    graph = getattr(getattr(worker, "wsgi", None), "graph", None)
    if graph is not None:
        graph.close()


def child_exit(server, worker):
    """Drop the exited worker's live gauges (pool in use, breaker) from /metrics."""
    from service.observability import metrics

    metrics.mark_process_dead(worker.pid)

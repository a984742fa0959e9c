"""Every Prometheus metric the service exports, and how `/metrics` renders them.

Under gunicorn each worker is a process, so prometheus_client runs in multiprocess mode:
`PROMETHEUS_MULTIPROC_DIR` is set by `service/ops/gunicorn_conf.py` before any worker (or this
module) is imported, each worker writes its samples there, and `/metrics` on any worker
aggregates all of them. Without that variable (tests, the CLI) the default registry is used.
"""

from __future__ import annotations

import functools
import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

# Seconds; the API's pages are milliseconds, a 503 from the breaker well under one.
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


@functools.cache
def labelled(metric, *values: str):
    """`metric.labels(*values)`, looked up once: labels() costs ~5 us, and the hot paths count
    every request (the label values are few: routes, methods, statuses, outcomes)."""
    return metric.labels(*values)


# -- HTTP ----------------------------------------------------------------------------------
HTTP_REQUESTS = Counter(
    "connections_http_requests_total",
    "HTTP requests answered, by route template, method and status code.",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "connections_http_request_duration_seconds",
    "Time from request to response inside the worker, by route template and method.",
    ["route", "method"],
    buckets=_LATENCY_BUCKETS,
)

# -- Neo4j ---------------------------------------------------------------------------------
NEO4J_QUERY_LATENCY = Histogram(
    "connections_neo4j_query_duration_seconds",
    "One managed transaction of the graph layer, by query (Graph method) and outcome "
    "(ok, unavailable, timeout, error).",
    ["query", "outcome"],
    buckets=_LATENCY_BUCKETS,
)
NEO4J_IN_USE = Gauge(
    "connections_neo4j_connections_in_use",
    "Bolt connections held by transactions in flight (each holds one pool connection).",
    multiprocess_mode="livesum",
)
NEO4J_BREAKER_OPEN = Gauge(
    "connections_neo4j_breaker_open",
    "1 while this worker's circuit breaker fails requests fast (Neo4j unreachable), else 0.",
    multiprocess_mode="liveall",
)
NEO4J_BREAKER_TRANSITIONS = Counter(
    "connections_neo4j_breaker_transitions_total",
    "Circuit breaker state changes, by the state entered (open, closed).",
    ["to"],
)
SLOW_CLIENTS_CLOSED = Counter(
    "connections_slow_clients_closed_total",
    "Connections closed because their request head did not arrive within GUNICORN_HEADER_TIMEOUT.",
)
RATE_LIMITED = Counter(
    "connections_rate_limit_decisions_total",
    "Requests counted against a rate-limit budget, by outcome: allowed, limited, or unchecked "
    "(Redis unreachable: let through).",
    ["budget", "outcome"],
)
NOT_READY_REJECTIONS = Counter(
    "connections_not_ready_rejections_total",
    "API requests answered 503 because an index the API needs is not ONLINE.",
)

# -- Event log and webhooks ----------------------------------------------------------------
EVENTS_APPENDED = Counter(
    "connections_events_appended_total",
    "Changes logged in the event log by this process (API changes and applied webhooks).",
    ["type"],
)
WEBHOOKS_RECEIVED = Counter(
    "connections_webhooks_received_total",
    "SelfCommunity webhook deliveries by outcome: applied, unchanged, duplicate, stale, "
    "ignored (unknown type), refused (bad signature), invalid (bad body).",
    ["outcome"],
)
WEBHOOK_DELIVERIES = Counter(
    "connections_webhook_deliveries_total",
    "Attempts of the delivery worker by outcome: delivered, retry, failed (given up).",
    ["outcome"],
)


# -- The cache (service/cache/) ------------------------------------------------------------
CACHE_UP = Gauge(
    "connections_cache_up",
    "1 while this worker uses the cache, 0 while its breaker skips it (reads go to Neo4j).",
    multiprocess_mode="liveall",
)
CACHE_REQUESTS = Counter(
    "connections_cache_requests_total",
    "Cache lookups by kind of entry (user, viewer, page, status, pair, requests, suggestions) "
    "and outcome (hit, miss, skipped: the cache was down).",
    ["kind", "outcome"],
)
CACHE_NEAR = Counter(
    "connections_cache_near_total",
    "A worker's own copies of pages it served from Redis (service/cache/near.py), by outcome: "
    "hit (Redis confirmed it still current), stale (a write changed it: dropped), evicted.",
    ["outcome"],
)
CACHE_NEAR_BYTES = Gauge(
    "connections_cache_near_bytes",
    "About how many bytes of pages a worker keeps (bounded by CACHE_NEAR_MB).",
    multiprocess_mode="liveall",
)
CACHE_FILLS = Counter(
    "connections_cache_fills_total",
    "Entries written after a miss, by outcome: filled, or refused (a write landed while the "
    "miss read Neo4j, so what it read may be stale).",
    ["outcome"],
)
CACHE_INVALIDATIONS = Counter(
    "connections_cache_invalidations_total",
    "Invalidations sent, by reason: user (a write touched these users) or epoch (everything).",
    ["reason"],
)
CACHE_ERRORS = Counter(
    "connections_cache_errors_total",
    "Cache calls that failed, by error (ConnectionError, TimeoutError, ...; lost_invalidation: "
    "a write could not invalidate, so the epoch is rotated when Redis answers again).",
    ["error"],
)

# Decided once, as prometheus_client itself decides how to store values when imported.
_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def multiprocess_dir() -> str | None:
    """The folder the workers share their samples through, when running under gunicorn."""
    return _MULTIPROC_DIR


def render() -> tuple[bytes, str]:
    """The exposition text of every metric (all workers' when in multiprocess mode)."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST


def mark_process_dead(pid: int) -> None:
    """Drop a dead worker's live gauges (gunicorn's child_exit hook)."""
    if multiprocess_dir():
        _multiprocess.mark_process_dead(pid)

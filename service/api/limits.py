"""Rate limits: a budget each for reads, writes and suggestions, per user or per address.

An authenticated request (a valid Bearer token) spends its user's budget; any other request
spends its client address's (the last `X-Forwarded-For` hop when TRUST_FORWARDED_HEADERS is on:
the one address the trusted proxy wrote itself). Counters live in Redis (REDIS_URL), so every
worker of every API node shares them, through the `limits` library's fixed-window strategy.
Over budget: 429 with `Retry-After` and the IETF `RateLimit-Policy`/`RateLimit` headers; under
it, the same two headers on the answer. Redis unreachable: the request goes through (fail-open,
after at most RATE_LIMIT_REDIS_TIMEOUT seconds), counted as `unchecked`, and Redis is not asked
again for a second, so an outage costs one short wait per worker per second, never a 5xx.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import falcon
from limits import RateLimitItem, parse
from limits.storage import RedisStorage
from limits.strategies import FixedWindowRateLimiter

from service.config import ConfigError, Settings
from service.domain import auth
from service.observability import metrics

log = logging.getLogger(__name__)

READS, WRITES, SUGGESTIONS = "reads", "writes", "suggestions"
BUDGETS = (READS, WRITES, SUGGESTIONS)
# After Redis fails, requests pass unchecked for this long before it is tried again.
RETRY_REDIS_AFTER_SECONDS = 1.0
KEY_PREFIX = "connections-limits"


def budget_of(resource, method: str) -> str | None:
    """The budget a request spends: the resource's `rate_budget` when it declares one (None:
    not limited), else reads for GET/HEAD and writes for anything else."""
    if hasattr(resource, "rate_budget"):
        return resource.rate_budget
    return READS if method in ("GET", "HEAD") else WRITES


def client_address(req: falcon.Request, trust_forwarded: bool) -> str:
    """The address a budget is kept for: the proxy's last X-Forwarded-For hop, when trusted."""
    if trust_forwarded:
        forwarded = req.get_header("X-Forwarded-For")
        if forwarded:
            last = forwarded.rsplit(",", 1)[-1].strip()
            if last:
                return last
    return req.remote_addr or "unknown"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    policy: str  # RateLimit-Policy
    state: str  # RateLimit
    retry_after: int


class RateLimiter:
    """The budgets, checked against Redis; `check` never raises."""

    def __init__(self, storage, budgets: dict[str, RateLimitItem], clock=time.time):
        self.storage = storage
        self.strategy = FixedWindowRateLimiter(storage)
        self.budgets = budgets
        self.clock = clock
        self._skip_until = 0.0
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter | None:
        """None when switched off (RATE_LIMITS_ENABLED=false) or when no Redis is configured."""
        if not settings.rate_limits_enabled or not settings.redis_url:
            return None
        budgets = {}
        for name, env, spec in (
            (READS, "RATE_LIMIT_READS", settings.rate_limit_reads),
            (WRITES, "RATE_LIMIT_WRITES", settings.rate_limit_writes),
            (SUGGESTIONS, "RATE_LIMIT_SUGGESTIONS", settings.rate_limit_suggestions),
        ):
            try:
                budgets[name] = parse(spec)
            except ValueError:
                raise ConfigError(f"{env} must look like 600/minute, got {spec!r}") from None
        timeout = settings.rate_limit_redis_timeout
        storage = RedisStorage(
            settings.redis_url,
            key_prefix=KEY_PREFIX,
            wrap_exceptions=True,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        )
        return cls(storage, budgets)

    def check(self, budget: str, who: str) -> Decision | None:
        """Spend one unit of `who`'s `budget`; None when Redis could not be asked (fail-open)."""
        item = self.budgets[budget]
        if self.clock() < self._skip_until:
            metrics.RATE_LIMITED.labels(budget, "unchecked").inc()
            return None
        try:
            allowed = self.strategy.hit(item, budget, who)
            reset, remaining = self.strategy.get_window_stats(item, budget, who)
        except Exception as exc:  # StorageError, or anything redis-py raises on the way
            with self._lock:
                if self.clock() >= self._skip_until:
                    log.warning(
                        "rate limits unchecked for %ss: Redis: %s", RETRY_REDIS_AFTER_SECONDS, exc
                    )
                self._skip_until = self.clock() + RETRY_REDIS_AFTER_SECONDS
            metrics.RATE_LIMITED.labels(budget, "unchecked").inc()
            return None
        metrics.RATE_LIMITED.labels(budget, "allowed" if allowed else "limited").inc()
        seconds_left = max(0, int(reset - self.clock() + 0.999))
        return Decision(
            allowed=allowed,
            policy=f'"{budget}";q={item.amount};w={item.get_expiry()}',
            state=f'"{budget}";r={remaining};t={seconds_left}',
            retry_after=max(1, seconds_left),
        )


class RateLimitMiddleware:
    """Spends the routed request's budget before anything else is done for it."""

    def __init__(self, limiter: RateLimiter, settings: Settings):
        self.limiter = limiter
        self.secret = settings.jwt_secret
        self.max_lifetime = settings.jwt_max_lifetime
        self.trust_forwarded = settings.trust_forwarded

    def who(self, req: falcon.Request) -> str:
        """`user:<id>` for a valid token (not checked against the graph: no query here), else
        `addr:<client address>`; a bad token spends its address's budget."""
        try:
            token = auth.bearer_token(req.get_header("Authorization"))
            if token is not None:
                user_id = auth.decode_token(token, self.secret, max_lifetime=self.max_lifetime)
                return f"user:{user_id}"
        except auth.InvalidToken:
            pass
        return f"addr:{client_address(req, self.trust_forwarded)}"

    def process_resource(self, req: falcon.Request, resp, resource, params) -> None:
        if resource is None:
            return
        budget = budget_of(resource, req.method)
        if budget is None:
            return
        decision = self.limiter.check(budget, self.who(req))
        if decision is None:
            return
        headers = {"RateLimit-Policy": decision.policy, "RateLimit": decision.state}
        if not decision.allowed:
            raise falcon.HTTPTooManyRequests(
                description=f"Too many requests: the {budget} budget is spent; retry in "
                f"{decision.retry_after} s.",
                headers=headers,
                retry_after=decision.retry_after,
            )
        for name, value in headers.items():
            resp.set_header(name, value)

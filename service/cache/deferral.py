"""The cache's fills wait until the response has been sent: a miss costs its client no fill.

The API runs each request inside `respond_then_run`: what the request `defer`s is queued and
run when the WSGI server closes the response, which it does once the body is written
(gunicorn's workers and falcon.testing alike, PEP 3333). Outside a request (the CLI, a
benchmark or a test driving the cache layer alone) `defer` runs the work at once. A deferred
fill is as safe as an immediate one: the fill script refuses to write if any write landed since
its lookup (store.py), however late it runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar

log = logging.getLogger(__name__)

Work = Callable[[], object]
_pending: ContextVar[list[Work] | None] = ContextVar("cache_deferred_work", default=None)


def defer(work: Work) -> None:
    """Run `work` once the current response has been sent; at once outside a request."""
    pending = _pending.get()
    if pending is None:
        work()
    else:
        pending.append(work)


class _ThenRun:
    """A WSGI response whose `close()` runs the work its request deferred."""

    def __init__(self, body: Iterable[bytes], pending: list[Work]):
        self.body = body
        self.pending = pending

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            _pending.set(None)
            run(self.pending)


def run(pending: list[Work]) -> None:
    for work in pending:
        try:
            work()
        except Exception:  # the answer is sent: a failed fill must not reach the server
            log.exception("cache: deferred work failed")
    pending.clear()


def respond_then_run(app: Callable, environ: dict, start_response: Callable) -> Iterable[bytes]:
    """`app(environ, start_response)`, with what it defers run after its body is sent."""
    pending: list[Work] = []
    _pending.set(pending)
    try:
        body = app(environ, start_response)
    except BaseException:
        _pending.set(None)
        run(pending)
        raise
    return _ThenRun(body, pending)

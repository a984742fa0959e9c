"""Polling until something holds, with one timeout rule."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    check: Callable[[], T],
    timeout: float,
    what: str = "the condition",
    interval: float = 0.2,
    give_up: Callable[[], bool] = lambda: False,
) -> T:
    """Call `check` until it returns a true value (returned), every `interval` seconds; raise
    TimeoutError naming `what` after `timeout` seconds, or as soon as `give_up()` is true
    (a process that died will never become ready). An OSError from `check` counts as not yet."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
        except OSError:
            value = None
        if value:
            return value
        if give_up():
            raise TimeoutError(f"gave up waiting for {what}")
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what} did not happen within {timeout:g}s")
        time.sleep(interval)

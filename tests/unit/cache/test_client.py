"""The cache client's breaker, against a port nothing listens on (no Redis needed)."""

from __future__ import annotations

import socket
import time

import pytest

from service.cache.client import CacheClient, CacheDown, describe


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the socket is


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_failure_opens_the_breaker_and_later_calls_skip_redis():
    clock = Clock()
    client = CacheClient(f"redis://127.0.0.1:{closed_port()}/0", 0.05, 1.0, clock=clock)
    tried = []
    with pytest.raises(CacheDown):
        client.run(lambda r: tried.append(1) or r.ping())
    assert client.state == "down" and tried == [1]
    started = time.monotonic()
    with pytest.raises(CacheDown):
        client.run(lambda r: tried.append(2))  # skipped: the breaker is open
    assert tried == [1] and time.monotonic() - started < 0.01
    clock.now += 1.5
    with pytest.raises(CacheDown):
        client.run(lambda r: tried.append(3) or r.ping())  # one try after the retry time
    assert tried == [1, 3]
    assert describe(client)["state"] == "down"
    assert describe(None) == {"state": "disabled"}


def test_a_lost_invalidation_makes_the_client_dirty_until_it_has_rotated_the_epoch():
    client = CacheClient(f"redis://127.0.0.1:{closed_port()}/0", 0.05, 1.0)
    client.lost_invalidation()
    assert client.state == "dirty"
    with pytest.raises(CacheDown):
        client.run(lambda r: None)  # the rotation itself fails: still dirty
    assert client.state == "dirty"

"""bench.toolkit's small parts: the one percentile, free ports, waiting, classified calls."""

from __future__ import annotations

import math
import socket
import statistics
import sys
import threading
import time

import pytest

from bench.toolkit.http import REFUSED, RESET, TIMEOUT, call
from bench.toolkit.launcher import Gunicorn, GunicornNotReady
from bench.toolkit.ports import free_port
from bench.toolkit.stats import percentile
from bench.toolkit.waiting import wait_until


def test_percentile_interpolates_between_samples_linearly():
    values = [float(v) for v in range(1, 11)]  # 1..10
    assert percentile(values, 0.5) == statistics.median(values) == 5.5
    assert percentile(values, 0.99) == pytest.approx(9.91)  # 9 + 0.91 * (10 - 9)
    assert percentile(values, 0.95) == pytest.approx(9.55)
    assert percentile(values, 0) == 1 and percentile(values, 1) == 10
    assert percentile(reversed(values), 0.5) == 5.5  # order does not matter


def test_percentile_of_one_or_no_value():
    assert percentile([3.0], 0.99) == 3.0
    assert math.isnan(percentile([], 0.5))
    with pytest.raises(ValueError):
        percentile([1.0], 99)


def test_free_port_honours_a_range(monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        monkeypatch.setenv("FREE_PORTS", f"{port}-{port + 1}")
        assert free_port() == port + 1  # the first one is taken
        monkeypatch.setenv("FREE_PORTS", f"{port}-{port}")
        with pytest.raises(OSError, match="every port is taken"):
            free_port()
    monkeypatch.delenv("FREE_PORTS")
    assert free_port() > 0


def test_wait_until_returns_the_value_or_times_out_or_gives_up():
    answers = iter([None, 0, "ready"])
    assert wait_until(lambda: next(answers), 5, interval=0.01) == "ready"
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="the thing did not happen"):
        wait_until(lambda: False, 0.2, "the thing", interval=0.05)
    assert time.monotonic() - started < 2
    with pytest.raises(TimeoutError, match="gave up"):
        wait_until(lambda: False, 60, give_up=lambda: True)


def test_a_call_nobody_answers_is_classified_not_raised():
    assert call(f"http://127.0.0.1:{free_port()}/").outcome == REFUSED
    with socket.socket() as silent:  # listens, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        reply = call(f"http://127.0.0.1:{silent.getsockname()[1]}/", timeout=0.3)
    assert reply.outcome == TIMEOUT and not reply.answered


def test_a_response_cut_mid_body_is_a_reset_not_a_crash():
    # A worker SIGKILLed while writing its body: the chaos load must count it and go on.
    server = socket.create_server(("127.0.0.1", 0))

    def answer_half():
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")
        conn.close()

    threading.Thread(target=answer_half, daemon=True).start()
    reply = call(f"http://127.0.0.1:{server.getsockname()[1]}/", timeout=5)
    server.close()
    assert reply.outcome == RESET


def test_the_launcher_gives_up_on_a_server_that_exits(tmp_path):
    app = Gunicorn(
        {"PATH": "", "PYTHONPATH": ""}, app="no.such.module:app", log_path=tmp_path / "g.log"
    )
    app.command = [sys.executable, "-c", "raise SystemExit('no app here')"]
    started = time.monotonic()
    with pytest.raises(GunicornNotReady, match="no app here"):
        app.start(timeout=30)
    assert time.monotonic() - started < 10  # it did not wait out the timeout

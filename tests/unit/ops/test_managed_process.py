"""ManagedProcess.wait_until_ready: the one start-up wait behind the managed Neo4j and Redis."""

from __future__ import annotations

import subprocess
import sys
import time
from contextlib import contextmanager

import pytest

from service.ops.processes import ManagedProcess, status_text


class ServerError(Exception):
    pass


class FakeServer(ManagedProcess[None]):
    name, program, error, ready_poll = "Fake", "fake-server", ServerError, 0.001

    def __init__(self, tmp_path, answers: list[bool]):
        self.start_timeout = 3.0
        self.log_file = tmp_path / "fake.log"
        self.console_log = tmp_path / "console.log"
        self.answers = answers
        self.calls = 0
        self.closed = False

    def address(self) -> str:
        return "127.0.0.1:1"

    @contextmanager
    def probe(self):
        def answers() -> bool:
            self.calls += 1
            return self.answers.pop(0) if self.answers else False

        try:
            yield answers
        finally:
            self.closed = True


def test_it_returns_once_the_server_answers_and_closes_the_probe(tmp_path):
    server = FakeServer(tmp_path, [False, False, True])
    server.wait_until_ready(time.monotonic() + 5)
    assert server.calls == 3 and server.closed


def test_past_the_deadline_it_names_the_address_and_the_log_tail(tmp_path):
    server = FakeServer(tmp_path, [])
    server.log_file.write_text("one\ntwo\n")
    with pytest.raises(ServerError) as info:
        server.wait_until_ready(time.monotonic() + 0.05)
    assert str(info.value) == (
        f"Fake did not answer on 127.0.0.1:1 within 3s; log tail: ({server.log_file}) one | two"
    )
    assert server.closed


def test_an_exited_process_fails_at_once_naming_its_code(tmp_path):
    server = FakeServer(tmp_path, [])
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    process.wait()
    with pytest.raises(ServerError) as info:
        server.wait_until_ready(time.monotonic() + 60, process)
    assert str(info.value) == (
        "fake-server exited with code 3 during start-up; log tail: (no log written)"
    )
    assert server.calls == 0 and server.closed


def test_a_probe_that_raises_stops_the_wait(tmp_path):
    server = FakeServer(tmp_path, [])

    @contextmanager
    def refusing():
        def answers() -> bool:
            raise ServerError("rejected the password")

        yield answers

    server.probe = refusing  # type: ignore[method-assign]
    with pytest.raises(ServerError, match="rejected the password"):
        server.wait_until_ready(time.monotonic() + 60)


def test_the_status_text_says_whether_the_server_runs_then_its_rows():
    assert status_text("redis", 42, [("home", "/x")]) == (
        "redis:       running (pid 42)\nhome:        /x"
    )
    assert status_text("neo4j", None, []) == "neo4j:       stopped"

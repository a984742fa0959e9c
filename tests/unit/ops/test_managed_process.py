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


def test_alive_reaps_a_child_that_is_already_a_zombie():
    """A killed child seen as a zombie is reaped on the spot: Neo4j's start-up check counts a
    zombie's pid as a running server ("Neo4j is already running"), and a kill() that waited for
    a zombie nobody reaped failed a restart in a clean-clone run."""
    import os
    import signal
    from pathlib import Path

    from service.ops.processes import alive

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    os.kill(child.pid, signal.SIGKILL)
    stat = Path(f"/proc/{child.pid}/stat")
    deadline = time.monotonic() + 10
    while stat.read_text().split(")")[-1].split()[0] != "Z":  # dead, not yet reaped
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert not alive(child.pid)
    assert not stat.exists()  # reaped: no zombie left for a start-up check to see
    child.returncode = -9  # reaped behind Popen's back: keep its finaliser quiet


def test_kill_reaps_even_when_its_wait_saw_no_zombie(tmp_path, monkeypatch):
    """The race of the clean-clone run: the process turned zombie between wait_gone()'s last
    waitpid and its look at /proc, so wait_gone() returned without reaping it. kill() must reap
    it itself, not wait out its timeout and leave it for Neo4j's start-up check."""
    from pathlib import Path

    from service.ops import processes

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    cmdline, deadline = Path(f"/proc/{child.pid}/cmdline"), time.monotonic() + 10
    while b"time.sleep(60)" not in cmdline.read_bytes():  # exec'd: the pid is the server's
        assert time.monotonic() < deadline
        time.sleep(0.01)
    server = FakeServer(tmp_path, [])
    server.pid_file = tmp_path / "fake.pid"
    server.pid_file.write_text(f"{child.pid}\n")
    server.kill_timeout = 5.0
    monkeypatch.setattr(server, "owns", lambda cmdline: b"time.sleep(60)" in cmdline)
    monkeypatch.setattr(processes, "wait_gone", lambda pid, timeout, poll: True)
    started = time.monotonic()
    assert server.kill() == child.pid
    assert time.monotonic() - started < 2.0
    assert not Path(f"/proc/{child.pid}").exists()
    child.returncode = -9  # reaped behind Popen's back: keep its finaliser quiet

"""Process and port checks shared by the managed servers (Neo4j, Redis), and their base class."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, suppress
from pathlib import Path
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

StatusT = TypeVar("StatusT")


def alive(pid: int) -> bool:
    """True while `pid` runs; reaps it when it is our own exited child (no zombie left)."""
    try:
        reaped, _ = os.waitpid(pid, os.WNOHANG)
        if reaped == pid:
            return False
    except ChildProcessError:
        pass  # not our child: the CLI that started it has exited and init reaps it
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    if state == "Z":
        # It became a zombie after the waitpid above: reap it now, or nobody does (and Neo4j's
        # start-up check counts a zombie's pid as a running server).
        with suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        return False
    return True


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_gone(pid: int, timeout: float, poll: float) -> bool:
    """Wait up to `timeout` seconds for `pid` to exit; True once it has."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive(pid):
        time.sleep(poll)
    return not alive(pid)


def terminate(pid: int, name: str, timeout: float, poll: float = 0.1) -> None:
    """SIGTERM `pid`, and SIGKILL it when it has not exited within `timeout` seconds."""
    os.kill(pid, signal.SIGTERM)
    if not wait_gone(pid, timeout, poll):
        log.warning("%s (pid %s) ignored SIGTERM for %.0fs; killing it", name, pid, timeout)
        os.kill(pid, signal.SIGKILL)
        while alive(pid):
            time.sleep(poll)


def log_tail(paths: Iterable[Path], lines: int) -> str:
    """The last `lines` lines of the first of `paths` that has any, for error messages."""
    for path in paths:
        if path.exists():
            tail = path.read_text(errors="replace").strip().splitlines()[-lines:]
            if tail:
                return f"({path}) " + " | ".join(tail)
    return "(no log written)"


def status_text(server: str, pid: int | None, rows: list[tuple[str, object]]) -> str:
    """`connections neo4j|redis status`'s lines: whether `server` runs (`pid`), then `rows`;
    labels in one column, then their values."""
    state = f"running (pid {pid})" if pid is not None else "stopped"
    return "\n".join(f"{label + ':':<12} {value}" for label, value in [(server, state), *rows])


class ManagedProcess(Generic[StatusT]):
    """A server this project starts and stops by its own pid file, never by name.

    A subclass says where its pid file is, how to recognise its process (`owns`), how to
    prepare its command (`prepare`), when it answers (`wait_until_ready`) and what its status
    says; start, stop, kill and the stale pid file's clean-up are the same for every server.
    """

    name = "server"  # in log lines and errors
    program = "server"  # how an exit during start-up names the process
    error: type[Exception] = RuntimeError  # the one-line error an operator is shown
    home: Path
    pid_file: Path
    log_file: Path
    console_log: Path
    start_timeout: float
    ready_poll = 0.1
    tail_lines = 5
    stop_timeout = 10.0
    stop_poll = 0.1
    kill_timeout = 10.0
    kill_poll = 0.05

    def owns(self, cmdline: bytes) -> bool:
        """Whether a live process with this command line is this server."""
        raise NotImplementedError

    def prepare(self) -> tuple[list[str], dict | None]:
        """Everything before the process starts; its command and environment (None: ours)."""
        raise NotImplementedError

    def probe(self) -> AbstractContextManager[Callable[[], bool]]:
        """For one start: a check that is True once the server answers, False while it starts,
        and raises `error` when it never will (a wrong password)."""
        raise NotImplementedError

    def address(self) -> str:
        """Where the server answers, for the error when it does not."""
        raise NotImplementedError

    def status(self) -> StatusT:
        raise NotImplementedError

    def wait_until_ready(self, deadline: float, process: subprocess.Popen | None = None) -> None:
        """Return once the server answers; raise (with its log tail) past `deadline`, or as soon
        as `process` (the one just started) has exited."""
        with self.probe() as answers:
            while True:
                if process is not None and process.poll() is not None:
                    raise self.error(
                        f"{self.program} exited with code {process.returncode} during start-up; "
                        f"log tail: {self.log_tail()}"
                    )
                if answers():
                    return
                if time.monotonic() > deadline:
                    raise self.error(
                        f"{self.name} did not answer on {self.address()} within "
                        f"{self.start_timeout:.0f}s; log tail: {self.log_tail()}"
                    )
                time.sleep(self.ready_poll)

    def log_tail(self, lines: int | None = None) -> str:
        return log_tail((self.log_file, self.console_log), lines or self.tail_lines)

    def pid(self) -> int | None:
        """The server's pid when its process is alive, else None (a stale pid file is removed)."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (ProcessLookupError, PermissionError, FileNotFoundError):
            self.pid_file.unlink(missing_ok=True)
            return None
        if not self.owns(cmdline) or not alive(pid):
            self.pid_file.unlink(missing_ok=True)
            return None
        return pid

    def start(self) -> StatusT:
        """Start the server unless it already runs, and wait until it answers."""
        if self.pid() is not None:
            self.wait_until_ready(time.monotonic() + self.start_timeout)
            return self.status()
        command, env = self.prepare()
        with open(self.console_log, "ab") as console:
            process = subprocess.Popen(
                command,
                cwd=self.home,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{process.pid}\n")
        try:
            self.wait_until_ready(time.monotonic() + self.start_timeout, process)
        except BaseException:
            self.stop()
            raise
        return self.status()

    def stop(self, timeout: float | None = None) -> bool:
        """Stop exactly the process in our pid file (SIGTERM, then SIGKILL past `timeout`);
        True when one was running."""
        pid = self.pid()
        if pid is None:
            return False
        terminate(pid, self.name, timeout or self.stop_timeout, poll=self.stop_poll)
        self.pid_file.unlink(missing_ok=True)
        return True

    def kill(self, timeout: float | None = None) -> int | None:
        """SIGKILL the server as a crash would (tests, chaos runs); returns once it is gone,
        so an immediate `start()` never mistakes the dying process for a running server."""
        pid = self.pid()
        if pid is None:
            return None
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + (timeout or self.kill_timeout)
        wait_gone(pid, timeout or self.kill_timeout, poll=self.kill_poll)
        # A zombie no longer runs, but Neo4j's own start-up check still sees its pid in /proc
        # ("Neo4j is already running"): wait until its parent has reaped it too.
        while alive(pid) or Path(f"/proc/{pid}").exists():
            if time.monotonic() > deadline:
                break
            time.sleep(self.kill_poll)
        self.pid_file.unlink(missing_ok=True)
        return pid

"""Process and port checks shared by the managed servers (Neo4j, Redis)."""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)


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
    return state != "Z"


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

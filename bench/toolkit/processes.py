"""Children a benchmark or a test starts, each in its own process group (kill -9 takes all)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import IO

from bench.toolkit import ROOT

BIN = Path(sys.executable).parent


class Process:
    """A command run from `cwd`, its output to `output` (a file; DEVNULL by default)."""

    def __init__(
        self, command: list[str], env: dict, cwd: Path = ROOT, output: IO[bytes] | None = None
    ):
        self.command, self.env, self.cwd, self.output = command, env, cwd, output
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None, "not started"
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> Process:
        self.proc = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            stdout=self.output or subprocess.DEVNULL,
            stderr=subprocess.STDOUT if self.output else subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    def kill9(self) -> None:
        """SIGKILL the whole group (gunicorn's workers too) and reap the child."""
        if self.alive():
            os.killpg(self.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(timeout=10)

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM the child alone (it stops its own children), SIGKILL after `timeout`;
        returns its exit code."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill9()
        return self.proc.returncode


def deliver_worker(env: dict) -> Process:
    """`connections webhooks deliver`: the webhook delivery worker."""
    return Process([str(BIN / "connections"), "webhooks", "deliver"], env)

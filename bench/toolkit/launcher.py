"""The app under gunicorn (service/ops/gunicorn_conf.py), returned only once it is warm.

The one launcher of benchmarks and tests/e2e. `start()` returns when `/health/ready` has
answered 200 several times in a row (each worker answers 503 until its breaker has probed Neo4j
and warmed the API's queries up; connections land on any worker) and every `warm_paths` entry
answers below 500: a load started earlier measured the warm-up's 503s.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import tempfile
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path

from bench.toolkit import ROOT
from bench.toolkit.http import call
from bench.toolkit.ports import free_port
from bench.toolkit.processes import Process
from bench.toolkit.waiting import wait_until

APP = "service.api.app:create_app()"


class GunicornNotReady(RuntimeError):
    """gunicorn exited or did not become ready in time (the message ends with its log)."""


class Gunicorn(Process):
    """`app` (a gunicorn app spec) served by `checkout`'s code on a free loopback port.

    `env` is the whole environment (NEO4J_URI, JWT_SECRET, ...); BIND, WEB_CONCURRENCY and
    GUNICORN_WORKER_CLASS are set from the arguments. `checkout` serves another tree's code
    (a benchmark's "before"), ahead of the editable install. Output goes to `log_path` (a
    temporary file by default: one JSON access line per request would fill a pipe).
    """

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        app: str = APP,
        workers: int = 2,
        worker_class: str | None = None,
        port: int | None = None,
        checkout: Path = ROOT,
        log_path: Path | None = None,
        warm_paths: Sequence[str] = (),
        warm_headers: Mapping[str, str] | None = None,
    ):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.warm_paths, self.warm_headers = tuple(warm_paths), dict(warm_headers or {})
        full_env = {
            **env,
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            **({"GUNICORN_WORKER_CLASS": worker_class} if worker_class else {}),
            **({"PYTHONPATH": str(checkout)} if checkout != ROOT else {}),
        }
        if log_path is None:
            handle, name = tempfile.mkstemp(prefix="gunicorn-", suffix=".log")
            os.close(handle)
            log_path = Path(name)
        self.log_path = log_path
        command = [sys.executable, "-m", "gunicorn", "-c", "service/ops/gunicorn_conf.py", app]
        super().__init__(command, full_env, cwd=checkout)

    def start(self, timeout: float = 60) -> Gunicorn:
        with open(self.log_path, "ab") as out:
            self.output = out
            super().start()
        self.output = None
        try:
            wait_until(self._ready, timeout, f"{self.base}/health/ready", give_up=self._exited)
            for path in self.warm_paths:
                wait_until(
                    partial(self._answers, path),
                    timeout,
                    f"{path} answering below 500",
                    give_up=self._exited,
                )
        except TimeoutError as exc:
            self.kill9()
            raise GunicornNotReady(
                f"gunicorn on {self.base}: {exc}\n{self.log_text()[-2000:]}"
            ) from None
        return self

    def _exited(self) -> bool:
        return not self.alive()

    def _ready(self) -> bool:
        # Twice per worker in a row: one worker's 200 says nothing of the others'.
        return all(
            call(self.base + "/health/ready", timeout=5).outcome == 200
            for _ in range(2 * self.workers)
        )

    def _answers(self, path: str) -> bool:
        outcome = call(self.base + path, headers=self.warm_headers).outcome
        return isinstance(outcome, int) and outcome < 500

    def __enter__(self) -> Gunicorn:
        return self.start() if self.proc is None else self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def kill_worker(self) -> int:
        """SIGKILL one worker at random (the master replaces it); returns its pid."""
        pid = random.choice(self.worker_pids())
        os.kill(pid, signal.SIGKILL)
        return pid

    def hup(self) -> None:
        """A rolling restart: new workers, then the old ones drain."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGHUP)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

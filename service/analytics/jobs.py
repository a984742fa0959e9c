"""Background jobs: `analyze`, `export` and catalogue queries run detached, their state in files.

The store is a folder (`CONNECTIONS_JOBS_DIR`, default `.local/jobs/`), one sub-folder per
job: `job.json` (the state, replaced atomically), `stdout.txt` (the result), `stderr.txt`
(progress bars and errors) and `lock`. Files, not Neo4j or Redis: a job must outlive exactly the
things it reports on (an export runs while Neo4j restarts; Redis is optional), and the kernel
gives files the one primitive a crash-proof runner needs: the runner holds an exclusive
`flock` on its job's `lock` for as long as it lives, and the kernel drops it when the process
dies, however it dies (kill -9 included). A job whose state says running while its lock is
free has lost its runner; `recover()` (run by every `jobs` command) starts a new runner for it,
up to MAX_ATTEMPTS times, and the job runs again from the start.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

JOB_COMMANDS = ("analyze", "export", "query")
STATES = ("queued", "running", "done", "failed", "cancelled")
FINISHED = ("done", "failed", "cancelled")
MAX_ATTEMPTS = 3


class JobError(Exception):
    """A job cannot be started, found or cancelled as asked; one line for the user."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Job:
    id: str
    argv: list[str]
    state: str = "queued"
    created: str = field(default_factory=_now)
    started: str | None = None
    finished: str | None = None
    pid: int | None = None
    attempts: int = 0
    exit_code: int | None = None
    cancel_requested: bool = False


class JobStore:
    """The jobs under one folder."""

    def __init__(self, root: Path):
        self.root = root

    # -- files -------------------------------------------------------------------------------

    def folder(self, job_id: str) -> Path:
        if not job_id or "/" in job_id or job_id.startswith("."):
            raise JobError(f"no job {job_id!r}")
        return self.root / job_id

    def get(self, job_id: str) -> Job:
        path = self.folder(job_id) / "job.json"
        try:
            return Job(**json.loads(path.read_text()))
        except FileNotFoundError:
            raise JobError(f"no job {job_id!r} (`connections jobs list` shows them)") from None

    def save(self, job: Job) -> Job:
        folder = self.folder(job.id)
        temporary = folder / "job.json.tmp"
        temporary.write_text(json.dumps(asdict(job), indent=2))
        os.replace(temporary, folder / "job.json")  # readers see the old state or the new one
        return job

    def update(self, job_id: str, **changes) -> Job:
        return self.save(replace(self.get(job_id), **changes))

    def all(self) -> list[Job]:
        if not self.root.exists():
            return []
        jobs = []
        for path in sorted(self.root.glob("*/job.json")):
            with contextlib.suppress(FileNotFoundError, ValueError, TypeError):
                jobs.append(Job(**json.loads(path.read_text())))
        return sorted(jobs, key=lambda j: j.created)

    def output(self, job_id: str, stream: str = "stdout") -> str:
        path = self.folder(job_id) / f"{stream}.txt"
        return path.read_text(errors="replace") if path.exists() else ""

    def progress(self, job_id: str) -> str:
        """The last line the job wrote on stderr (its progress bar redraws with \\r)."""
        text = self.output(job_id, "stderr").replace("\r", "\n")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines[-1] if lines else ""

    @contextlib.contextmanager
    def _lock(self, job_id: str) -> Iterator[bool]:
        """Hold the job's lock if it is free (True), else yield False at once."""
        with open(self.folder(job_id) / "lock", "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def runner_alive(self, job_id: str) -> bool:
        with self._lock(job_id) as free:
            return not free

    # -- the life of a job -------------------------------------------------------------------

    def create(self, argv: list[str]) -> Job:
        if not argv or argv[0] not in JOB_COMMANDS:
            raise JobError(
                f"a job runs one of: {', '.join(JOB_COMMANDS)} "
                f"(e.g. `connections jobs start analyze pagerank --top 10`), got {argv[:1] or 'nothing'}"
            )
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        job = Job(id=f"{stamp}-{secrets.token_hex(3)}", argv=list(argv))
        self.folder(job.id).mkdir()
        return self.save(job)

    def spawn(self, job_id: str) -> None:
        """Start a runner for the job, detached: its own session, no terminal, no stdin."""
        env = dict(os.environ, CONNECTIONS_JOBS_DIR=str(self.root))
        subprocess.Popen(
            [sys.executable, "-m", "service.cli", "jobs", "run", job_id],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
            close_fds=True,
        )

    def recover(self) -> list[str]:
        """Start a new runner for each unfinished job that has none; the ids restarted."""
        restarted = []
        for job in self.all():
            if job.state in FINISHED or self.runner_alive(job.id):
                continue
            if job.cancel_requested:
                self.update(job.id, state="cancelled", finished=_now())
            elif job.state == "running" and job.attempts >= MAX_ATTEMPTS:
                self.update(job.id, state="failed", finished=_now())
            elif job.state == "running" or _older_than(job.created, seconds=10):
                # queued and young: its runner may still be starting; it takes the lock first.
                self.spawn(job.id)
                restarted.append(job.id)
        return restarted

    def run(self, job_id: str, main: Callable[[list[str]], int]) -> int:
        """The runner's body: take the lock, run the command with its output in the job's
        files, record how it ended. Exits at once when another runner holds the job."""
        with self._lock(job_id) as mine:
            if not mine:
                return 0
            job = self.get(job_id)
            if job.state in FINISHED:
                return 0
            job = self.update(
                job_id,
                state="running",
                started=_now(),
                pid=os.getpid(),
                attempts=job.attempts + 1,
            )
            folder = self.folder(job_id)

            def cancelled(signum, frame):
                raise _Cancelled

            signal.signal(signal.SIGTERM, cancelled)
            code = 1
            try:
                with (
                    open(folder / "stdout.txt", "w") as out,
                    open(folder / "stderr.txt", "w") as err,
                ):
                    os.dup2(out.fileno(), 1)
                    os.dup2(err.fileno(), 2)
                    sys.stdout = os.fdopen(os.dup(1), "w", buffering=1)
                    sys.stderr = os.fdopen(os.dup(2), "w", buffering=1)
                    try:
                        code = main(job.argv)
                    finally:
                        sys.stdout.flush()
                        sys.stderr.flush()
            except _Cancelled:
                self.update(job_id, state="cancelled", finished=_now())
                return 130
            except BaseException:
                self.update(job_id, state="failed", finished=_now(), exit_code=1)
                raise
            state = "done" if code == 0 else "failed"
            if self.get(job_id).cancel_requested:
                state = "cancelled"  # the request came while a C call could not be interrupted
            self.update(job_id, state=state, finished=_now(), exit_code=code)
            return code

    def cancel(self, job_id: str, grace: float = 2.0) -> Job:
        job = self.get(job_id)
        if job.state in FINISHED:
            raise JobError(
                f"job {job_id} has already {job.state if job.state != 'done' else 'finished'}"
            )
        job = self.update(job_id, cancel_requested=True)
        if job.pid and self.runner_alive(job_id):
            # SIGTERM first (the runner records it); a runner inside a long C call (igraph)
            # only sees it when the call returns, so SIGKILL after a grace period.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(job.pid, signal.SIGTERM)  # the runner leads its own session
            deadline = time.monotonic() + grace
            while self.runner_alive(job_id) and time.monotonic() < deadline:
                time.sleep(0.05)
            if self.runner_alive(job_id):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(job.pid, signal.SIGKILL)
                while self.runner_alive(job_id) and time.monotonic() < deadline + 5:
                    time.sleep(0.05)
        job = self.get(job_id)
        if job.state not in FINISHED:
            job = self.update(job_id, state="cancelled", finished=_now())
        return job


class _Cancelled(BaseException):
    pass


def _older_than(stamp: str, seconds: float) -> bool:
    return (dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(stamp)).total_seconds() > seconds

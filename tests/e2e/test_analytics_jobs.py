"""`connections jobs`: detached runners, results kept, and a job surviving kill -9 of its runner."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import networkx as nx
import pytest

from service import cli
from service.analytics.jobs import JobStore
from tests.export_files import write_export

pytestmark = pytest.mark.e2e


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("CONNECTIONS_JOBS_DIR", str(tmp_path / "jobs"))
    return JobStore(tmp_path / "jobs")


@pytest.fixture
def small(tmp_path):
    write_export(tmp_path / "small", nx.convert_node_labels_to_integers(nx.karate_club_graph(), 1))
    return tmp_path / "small"


@pytest.fixture
def slow(tmp_path):
    # Exact betweenness here takes seconds on this machine: long enough to kill mid-run.
    write_export(tmp_path / "slow", nx.barabasi_albert_graph(6000, 8, seed=1))
    return tmp_path / "slow"


def jobs(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(["jobs", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def wait_for(store, job_id, states, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = store.get(job_id)
        if job.state in states:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {store.get(job_id)} after {timeout}s")


def test_a_job_runs_detached_and_keeps_its_result(store, small, capsys):
    code, out, _ = jobs(
        capsys,
        "start",
        "analyze",
        "pagerank",
        "--from",
        str(small),
        "--top",
        "3",
        "--format",
        "json",
    )
    assert code == 0
    job_id = out.strip()
    job = wait_for(store, job_id, ("done", "failed"))
    assert job.state == "done" and job.exit_code == 0 and job.attempts == 1
    assert job.pid != os.getpid()  # a runner of its own
    expected = nx.pagerank(nx.convert_node_labels_to_integers(nx.karate_club_graph(), 1), tol=1e-12)
    code, out, _ = jobs(capsys, "result", job_id)
    assert [row["id"] for row in json.loads(out)] == sorted(expected, key=lambda u: -expected[u])[
        :3
    ]
    code, out, _ = jobs(capsys, "list")
    assert job_id in out and "done" in out
    code, out, _ = jobs(capsys, "show", job_id, "--format", "json")
    assert json.loads(out)["progress"].startswith("pagerank over 34 users")


def test_a_job_survives_kill_9_of_its_runner(store, slow, capsys):
    code, out, _ = jobs(
        capsys, "start", "analyze", "betweenness", "--samples", "0", "--from", str(slow)
    )
    job_id = out.strip()
    job = wait_for(store, job_id, ("running",), timeout=30)
    time.sleep(0.5)  # inside the algorithm now
    os.kill(job.pid, signal.SIGKILL)
    _wait_dead(job.pid)
    # A killed multi-threaded process shows as a zombie before its last thread has exited and
    # its files (the lock) are released: give the kernel a moment to finish.
    deadline = time.monotonic() + 5
    while store.runner_alive(job_id) and time.monotonic() < deadline:
        time.sleep(0.02)
    crashed = store.get(job_id)
    assert crashed.state == "running" and not store.runner_alive(job_id)  # the state outlived it
    code, out, _ = jobs(capsys, "list")  # any jobs command starts a runner for it again
    job = wait_for(store, job_id, ("done", "failed"), timeout=180)
    assert job.state == "done" and job.attempts == 2 and job.pid != crashed.pid
    code, out, _ = jobs(capsys, "result", job_id)
    assert out.splitlines()[0].split() == ["id", "betweenness"]


def test_cancel_stops_the_runner(store, slow, capsys):
    code, out, _ = jobs(
        capsys, "start", "analyze", "betweenness", "--samples", "0", "--from", str(slow)
    )
    job_id = out.strip()
    job = wait_for(store, job_id, ("running",), timeout=30)
    code, out, _ = jobs(capsys, "cancel", job_id)
    assert code == 0
    assert wait_for(store, job_id, ("cancelled",), timeout=30).state == "cancelled"
    _wait_dead(job.pid)
    code, _, err = jobs(capsys, "result", job_id)
    assert code == 2 and "is cancelled" in err
    jobs(capsys, "list")
    assert store.get(job_id).attempts == 1  # a cancelled job is never restarted


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["start", "neo4j", "stop"], "a job runs one of: analyze, export, query"),
        (["start"], "a job runs one of"),
        (["show", "nope"], "no job 'nope'"),
        (["result", "../etc"], "no job"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(store, capsys, argv, message):
    code, _, err = jobs(capsys, *argv)
    assert code == 2 and message in err


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_dead(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            waited, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            waited = 0
        if not _alive(pid) or waited:
            return
        # A zombie (our own child, already dead) still answers kill(0): /proc tells.
        try:
            if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                return
        except FileNotFoundError:
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} still alive")

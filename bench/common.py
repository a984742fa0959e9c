"""Shared benchmark plumbing: settings, sampling users, serving an app under gunicorn, recording."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.config import Settings  # noqa: E402
from service.graph import cypher, db  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"


def settings() -> Settings:
    return Settings.from_env()


def read(driver, settings: Settings, name: str, **params) -> list[dict]:
    records, _, _ = driver.execute_query(
        cypher.query(name), database_=settings.neo4j_database, routing_="r", **params
    )
    return [dict(r) for r in records]


def sample_users(settings: Settings, n: int = 500) -> list[dict]:
    with db.create_driver(settings) as driver:
        users = read(driver, settings, "loadtest/sample_users", n=n)
    if not users:
        raise SystemExit(
            "bench: the database has no users; load data first (make run, or "
            "connections generate --load)"
        )
    return users


@contextmanager
def gunicorn(app: str, port: int, workers: int, extra_env: dict | None = None):
    """Serve `app` (a gunicorn app spec) on 127.0.0.1:port with the project's gunicorn config."""
    env = dict(
        os.environ,
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
        LOG_LEVEL="warning",
        **(extra_env or {}),
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "service" / "ops" / "gunicorn_conf.py"),
            app,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # it answers HTTP: it is up
            except OSError as exc:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(
                        f"bench: gunicorn for {app} did not start: "
                        f"{proc.stderr.read().decode()[-500:]}"
                    ) from exc
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import falcon
    import neo4j

    return (
        f"{os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, "
        f"neo4j driver {neo4j.__version__}, Falcon {falcon.__version__}"
    )


def record(title: str, command: str, body: str) -> None:
    """Append a dated section to bench/RESULTS.md."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"\n### {title} — {stamp}\n\nCommand: `{command}`  \nMachine: {machine()}\n\n"
        f"{body.rstrip()}\n"
    )
    with RESULTS.open("a") as handle:
        handle.write(section)
    print(f"recorded in {RESULTS}")

"""Run the service under gunicorn (service/ops/gunicorn_conf.py) against the test Neo4j."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(
    url: str, headers: dict | None = None, method: str = "GET", data: bytes | None = None
) -> tuple[int, Message, dict | None]:
    """(status, headers, JSON body or None when empty) of one HTTP request."""
    req = urllib.request.Request(url, headers=headers or {}, method=method, data=data)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
            return resp.status, resp.headers, json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        raw = err.read()
        return err.code, err.headers, json.loads(raw) if raw else None


@contextlib.contextmanager
def gunicorn(neo4j_settings, secret: str, **env_extra: str) -> Iterator[str]:
    """Serve the app on a free loopback port; yields the base URL. Fails on any traceback."""
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": neo4j_settings.neo4j_uri,
        "NEO4J_PASSWORD": neo4j_settings.neo4j_password,
        "NEO4J_DATABASE": neo4j_settings.neo4j_database,
        "JWT_SECRET": secret,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        **env_extra,
    }
    gunicorn_bin = Path(sys.executable).parent / "gunicorn"
    proc = subprocess.Popen(
        [str(gunicorn_bin), "-c", "service/ops/gunicorn_conf.py", "service.api.app:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if call(base + "/health/ready")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("gunicorn did not become ready: " + proc.communicate()[0].decode()[-2000:])
    try:
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=20)[0].decode()
    assert proc.returncode == 0, output[-2000:]
    assert "Traceback" not in output, output[-2000:]

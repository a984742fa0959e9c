"""Through real HTTP: gunicorn with service/ops/gunicorn_conf.py, two workers, the test Neo4j."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

import pytest

from service.domain import auth
from tests.integration.seed import BASE, connect, create_users, user_props

ROOT = Path(__file__).resolve().parents[2]
SECRET = "e2e-secret-0123456789abcdef0123456789"

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, headers: dict | None = None) -> tuple[int, Message, dict]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, err.headers, json.loads(err.read())


@pytest.fixture
def server(clean_db, neo4j_settings):
    database = neo4j_settings.neo4j_database
    create_users(clean_db, database, [user_props(i) for i in range(1, 6)])
    connect(clean_db, database, [(1, i, BASE + dt.timedelta(hours=i)) for i in range(2, 6)])
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": neo4j_settings.neo4j_uri,
        "NEO4J_PASSWORD": neo4j_settings.neo4j_password,
        "NEO4J_DATABASE": database,
        "JWT_SECRET": SECRET,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        # The first queries on a freshly started server compile slowly on a busy box; this
        # test is about HTTP, not the query timeout (tests/integration/api/test_unavailable.py).
        "NEO4J_QUERY_TIMEOUT": "30",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    proc = subprocess.Popen(
        [str(gunicorn), "-c", "service/ops/gunicorn_conf.py", "service.api.app:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if get(base + "/health/ready")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("gunicorn did not become ready: " + proc.communicate()[0].decode()[-2000:])
    yield base
    proc.send_signal(signal.SIGTERM)
    output = proc.communicate(timeout=20)[0].decode()
    assert proc.returncode == 0, output[-2000:]
    assert "Traceback" not in output, output[-2000:]


def test_connections_over_real_http(server):
    token = auth.mint_token(3, SECRET, ttl_seconds=60)
    status, headers, body = get(
        server + "/api/v2/user/1/connections/?limit=2", {"Authorization": f"Bearer {token}"}
    )
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert body["count"] == 4 and [u["id"] for u in body["results"]] == [5, 4]
    assert body["next"] == f"{server}/api/v2/user/1/connections/?limit=2&offset=2"
    status, _, page2 = get(body["next"])
    assert status == 200 and [u["id"] for u in page2["results"]] == [3, 2]
    assert page2["results"][0]["email"] is None  # anonymous on this request
    assert get(server + "/api/v2/openapi.json")[2]["openapi"].startswith("3.")


def test_errors_are_json_over_real_http(server):
    status, headers, _ = get(
        server + "/api/v2/user/1/connections/", {"Authorization": "Bearer nope"}
    )
    assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
    assert get(server + "/nothing-here")[0] == 404
    assert get(server + "/api/v2/user/1/connections/?limit=0")[2]["errors"] == {
        "limit": ["Must be a positive integer (1 or more)."]
    }

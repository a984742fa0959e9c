"""Real processes for end-to-end tests: gunicorn serving the app, the webhook worker, a proxy."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


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


def neo4j_env(settings, **extra) -> dict:
    return {
        **os.environ,
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password,
        "NEO4J_DATABASE": settings.neo4j_database,
        **{k: str(v) for k, v in extra.items()},
    }


@contextlib.contextmanager
def gunicorn(
    neo4j_settings, secret: str, port: int | None = None, **env_extra: str
) -> Iterator[str]:
    """Serve the app on a loopback port (a free one unless given); yields the base URL.

    Fails on any traceback.
    """
    port = port or free_port()
    env = neo4j_env(
        neo4j_settings,
        JWT_SECRET=secret,
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        **env_extra,
    )
    gunicorn_bin = Path(sys.executable).parent / "gunicorn"
    # A file, not a pipe: one JSON access line per request would fill a pipe nobody reads
    # until the end, and the workers would block writing their logs.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed once the server has stopped
    proc = subprocess.Popen(
        [str(gunicorn_bin), "-c", "service/ops/gunicorn_conf.py", "service.api.app:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def output() -> str:
        log.seek(0)
        return log.read().decode(errors="replace")

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
        proc.wait()
        pytest.fail("gunicorn did not become ready: " + output()[-2000:])
    try:
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    text = output()
    log.close()
    assert proc.returncode == 0, text[-2000:]
    assert "Traceback" not in text, text[-2000:]


class Process:
    """A child process in its own process group, so kill -9 takes all of it (gunicorn workers)."""

    def __init__(self, command: list[str], env: dict, cwd: Path = ROOT):
        self.command, self.env, self.cwd = command, env, cwd
        self.proc: subprocess.Popen | None = None

    def start(self) -> Process:
        self.proc = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    def kill9(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill9()


class Gunicorn(Process):
    """The app under gunicorn; `checkout` serves another tree's code (a bench's "before")."""

    def __init__(self, env: dict, port: int, checkout: Path = ROOT):
        super().__init__(
            [
                str(BIN / "gunicorn"),
                "-c",
                "service/ops/gunicorn_conf.py",
                "service.api.app:create_app()",
            ],
            {
                **env,
                "BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": "2",
                # Ahead of the editable install, which points at this tree.
                **({"PYTHONPATH": str(checkout)} if checkout != ROOT else {}),
            },
            cwd=checkout,
        )
        self.base = f"http://127.0.0.1:{port}"

    def start(self, timeout: float = 60) -> Gunicorn:
        super().start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if call(self.base + "/health/ready")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.kill9()
        raise AssertionError(f"gunicorn on {self.base} did not become ready")


def deliver_worker(env: dict) -> Process:
    return Process([str(BIN / "connections"), "webhooks", "deliver"], env)


class FlakyProxy:
    """Forwards POSTs to `target`, body and headers untouched, but answers 503 to every
    `fail_every`-th one without forwarding: deliveries forced to fail and be retried."""

    def __init__(self, target: str, fail_every: int):
        self.forwarded = self.refused = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if (proxy.forwarded + proxy.refused + 1) % fail_every == 0:
                    proxy.refused += 1
                    status = 503
                else:
                    headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                    try:
                        status = call(target + self.path, headers, "POST", body)[0]
                    except OSError:
                        status = 502  # the receiver is down
                    proxy.forwarded += 1
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

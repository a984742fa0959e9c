"""What only end-to-end tests need on top of bench.toolkit: a checked gunicorn, a flaky proxy."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.toolkit.http import request as call
from bench.toolkit.instances import neo4j_env
from bench.toolkit.launcher import Gunicorn, GunicornNotReady


@contextlib.contextmanager
def gunicorn(neo4j_settings, secret: str, **env_extra: str) -> Iterator[str]:
    """Serve the app on a free loopback port; yields the base URL once it is warm. Fails on a
    non-zero exit or any traceback in its output."""
    app = Gunicorn(neo4j_env(neo4j_settings, JWT_SECRET=secret, **env_extra))
    try:
        app.start(timeout=30)
    except GunicornNotReady as exc:
        pytest.fail(str(exc))
    try:
        yield app.base
    finally:
        code = app.stop()
    text = app.log_text()
    app.log_path.unlink()
    assert code == 0, text[-2000:]
    assert "Traceback" not in text, text[-2000:]


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

"""gunicorn's workers: JSON for the errors gunicorn answers itself, slow clients kept off the
threads (gthread), and a drain of the listen backlog before they exit (SIGTERM or a HUP).

Slow clients. gunicorn's gthread worker hands a connection to a pool thread as soon as it is
accepted; the thread waits up to 5 s for a first byte and then reads the request head with no
timeout at all, so a client sending one header byte every few seconds holds a thread for as
long as it likes, and 2 workers x 4 threads are stalled by 8 of them. DrainingThreadWorker
reads each request head in the worker's event loop instead (non-blocking, like a buffering
proxy): a connection reaches a thread only once its whole head has arrived, and one whose head
is not complete within GUNICORN_HEADER_TIMEOUT seconds (default 10) is closed. A kept-alive
connection's next request goes through the same. Once on a thread, every read of the body and
every write of the answer has GUNICORN_BODY_TIMEOUT seconds (default 10) to make progress; a
body that stalls is a 408 (service/api/bodies.py). The sync worker gets neither: it serves one
connection at a time, so only a buffering proxy in front protects it (docs/limits-and-abuse.md).

Errors gunicorn answers itself (a request line over 4,094 bytes: 414, headers too large: 431,
a malformed request: 400) are written as the API's `{"detail": ...}` JSON, not gunicorn's HTML.

gunicorn's workers finish the requests they are serving and exit; connections the kernel had
already queued in the shared listen backlog were reset when the last process holding the
socket closed it, so a SIGTERM under load dropped them. Serving the backlog one request at a
time never empties it while clients keep connecting, so a stopping worker first accepts
everything queued (a tight loop, microseconds), closes its copy of the socket at once, then
serves what it took. Once every worker has done so the port refuses new connections (nothing
sent, safe to retry elsewhere) and nothing accepted by the kernel is dropped, except one
arriving in the microseconds between the last accept() and close().
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import selectors
import socket
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import TConn, ThreadWorker
from gunicorn.workers.sync import SyncWorker

from service.observability import metrics

DEFAULT_HEADER_TIMEOUT = 10.0
DEFAULT_BODY_TIMEOUT = 10.0
# A head larger than this goes to gunicorn's parser anyway, which answers 414 or 431.
_MAX_BUFFERED_HEAD = 64 * 1024
_HEAD_ENDS = (b"\r\n\r\n", b"\n\n")


def env_seconds(name: str, default: float) -> float:
    """A positive number of seconds from the environment (gunicorn's config reads it too)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = float(raw)
    if not value > 0:
        raise ValueError(f"{name} must be > 0, got {raw}")
    return value


class _Captured:
    """Stands for a client socket while gunicorn writes its HTML error: keeps the bytes."""

    def __init__(self):
        self.data = b""

    def gettimeout(self):
        return 0.0

    def sendall(self, data: bytes) -> None:
        self.data += data


def json_error(status_line: str) -> bytes:
    """The whole HTTP answer for gunicorn's `status_line` (`414 URI Too Long`), as JSON."""
    code, _, reason = status_line.partition(" ")
    details = {
        "400": "Bad request: the request line or a header is malformed.",
        "414": "The request line is too long (limit 4094 bytes).",
        "431": "The request headers are too large (limit 8190 bytes each, 100 fields).",
    }
    body = json.dumps({"detail": details.get(code, reason or "Error.")}).encode()
    head = (
        f"HTTP/1.1 {code} {reason}\r\nConnection: close\r\n"
        "Content-Type: application/json\r\nX-Content-Type-Options: nosniff\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class JsonErrorsMixin:
    """gunicorn's own error handling (status, logging) with the answer written as JSON."""

    def handle_error(self, req, client, addr, exc) -> None:
        captured = _Captured()
        super().handle_error(req, captured, addr, exc)  # type: ignore[misc]
        status_line = captured.data.split(b"\r\n", 1)[0].decode("latin-1").partition(" ")[2]
        with contextlib.suppress(Exception):  # the client is gone: nothing to tell it
            util.write_nonblock(client, json_error(status_line or "500 Internal Server Error"))


def take_backlog(listeners) -> list[tuple[Any, socket.socket, Any]]:
    """Accept every connection queued on the (non-blocking) listeners, then close them:
    [(listener address, client socket, client address)]."""
    taken = []
    for listener in listeners:
        name = listener.getsockname()
        while True:
            try:
                client, addr = listener.accept()
            except OSError as exc:
                if exc.errno == errno.ECONNABORTED:
                    continue
                if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                    break
                raise
            taken.append((name, client, addr))
        listener.close()
    return taken


class _ClosedListener:
    """Stands for a listener already closed: the request only needs its address."""

    def __init__(self, name):
        self._name = name

    def getsockname(self):
        return self._name


class DrainingSyncWorker(JsonErrorsMixin, SyncWorker):
    """gunicorn's sync worker (`Connection: close`, one request at a time) that drains."""

    def run(self) -> None:
        super().run()
        self.drain()

    def drain(self) -> None:
        for name, client, addr in take_backlog(self.sockets):
            self.notify()
            client.setblocking(True)
            util.close_on_exec(client)
            self.handle(_ClosedListener(name), client, addr)


@dataclass
class _HeadRead:
    deadline: float
    buffer: bytearray = field(default_factory=bytearray)


class DrainingThreadWorker(JsonErrorsMixin, ThreadWorker):
    """gunicorn's gthread worker (keep-alive, a thread pool per worker) that reads request heads
    in its event loop (slow clients never hold a thread) and drains.

    Its graceful stop begins by disabling accept; at that moment the backlog is taken into
    the thread pool, and the stop then waits for those requests like any in flight.
    gunicorn 27 already answers a request arriving on a kept-alive connection during the stop
    with `Connection: close` instead of dropping it.
    """

    def set_accept_enabled(self, enabled: bool) -> None:
        super().set_accept_enabled(enabled)
        if not enabled and not self.alive:
            self.drain()

    def drain(self) -> None:
        for name, client, addr in take_backlog(self.sockets):
            self.nr_conns += 1
            client.setblocking(True)
            util.close_on_exec(client)
            self.enqueue_req(TConn(self.cfg, client, addr, name))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.header_timeout = env_seconds("GUNICORN_HEADER_TIMEOUT", DEFAULT_HEADER_TIMEOUT)
        self.body_timeout = env_seconds("GUNICORN_BODY_TIMEOUT", DEFAULT_BODY_TIMEOUT)
        self.heads: dict[TConn, _HeadRead] = {}

    def accept(self, listener) -> None:
        if self.cfg.is_ssl:  # TLS handshakes happen on the threads: gunicorn's own path
            return super().accept(listener)
        try:
            client, addr = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self.read_head(TConn(self.cfg, client, addr, listener.getsockname()))  # non-blocking

    def on_client_socket_readable(self, conn, client) -> None:
        """A kept-alive connection's next request: its head is read here too."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self.read_head(conn)

    def read_head(self, conn: TConn) -> None:
        """Collect the request head off the threads; enqueue the connection once it is whole."""
        self.heads[conn] = _HeadRead(time.monotonic() + self.header_timeout)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._head_readable, conn))
        self._head_readable(conn, conn.sock)  # the bytes may be there already

    def _head_readable(self, conn: TConn, sock) -> None:
        state = self.heads.get(conn)
        if state is None:
            return
        try:
            data = conn.sock.recv(_MAX_BUFFERED_HEAD)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client closed (or reset) before sending a whole head
            self._close_head(conn)
            return
        state.buffer += data
        if len(state.buffer) <= _MAX_BUFFERED_HEAD and not any(
            end in state.buffer for end in _HEAD_ENDS
        ):
            return
        self.poller.unregister(conn.sock)
        del self.heads[conn]
        conn.init()  # the parser (a kept-alive connection keeps its own)
        conn.parser.unreader.unread(bytes(state.buffer))
        conn.data_ready = True
        self.enqueue_req(conn)

    def _close_head(self, conn: TConn, timed_out: bool = False) -> None:
        self.heads.pop(conn, None)
        with contextlib.suppress(OSError, KeyError, ValueError):
            self.poller.unregister(conn.sock)
        self.nr_conns -= 1
        conn.close()
        if timed_out:
            metrics.SLOW_CLIENTS_CLOSED.inc()

    def murder_pending(self) -> None:
        """gunicorn's sweep, plus: close every connection whose head is overdue."""
        super().murder_pending()
        now = time.monotonic()
        for conn in [c for c, state in self.heads.items() if state.deadline <= now]:
            self._close_head(conn, timed_out=True)

    def handle_request(self, req, conn):
        """On the thread: the body and the answer get a timeout per read and per write."""
        conn.sock.settimeout(self.body_timeout)
        return super().handle_request(req, conn)

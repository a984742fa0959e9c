"""gunicorn's workers, draining their listen backlog before they exit (SIGTERM or a HUP).

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

import errno
import socket
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import TConn, ThreadWorker
from gunicorn.workers.sync import SyncWorker


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


class DrainingSyncWorker(SyncWorker):
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


class DrainingThreadWorker(ThreadWorker):
    """gunicorn's gthread worker (keep-alive, a thread pool per worker) that drains.

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

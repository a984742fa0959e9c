"""The gunicorn worker: gunicorn's sync worker that drains its listen backlog before exiting."""

from __future__ import annotations

import errno

from gunicorn import util
from gunicorn.workers.sync import SyncWorker


class _ClosedListener:
    """Stands for a listener already closed: the request only needs its address."""

    def __init__(self, name):
        self._name = name

    def getsockname(self):
        return self._name


class DrainingSyncWorker(SyncWorker):
    """On SIGTERM (a stop, or an old worker of a HUP) serve the connections still waiting.

    gunicorn's sync worker finishes the request it is serving and exits; connections the
    kernel had already queued in the shared listen backlog were reset when the last worker
    holding the socket closed it, so a SIGTERM under load dropped them. Serving the backlog
    one request at a time never empties it while clients keep connecting, so this worker
    first accepts everything queued (a tight loop, microseconds), closes its copy of the
    socket at once, then serves what it took. Once every worker has done so the port
    refuses new connections (nothing sent, safe to retry elsewhere) and nothing accepted by
    the kernel is dropped, except one arriving in the microseconds between the last
    accept() and close().
    """

    def run(self) -> None:
        super().run()
        self.drain()

    def drain(self) -> None:
        taken = []
        for listener in self.sockets:
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
                taken.append((_ClosedListener(name), client, addr))
            listener.close()
        for stand_in, client, addr in taken:
            self.notify()
            client.setblocking(1)
            util.close_on_exec(client)
            self.handle(stand_in, client, addr)

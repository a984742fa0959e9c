"""The webhook delivery worker under SIGKILLs, and the sink here that checks what it sent."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.toolkit.launcher import Gunicorn
from bench.toolkit.processes import deliver_worker
from service.config import Settings
from service.graph import db
from service.graph.events import EventLog
from service.graph.runner import Runner, Tuning
from service.graph.webhooks import WebhookStore


class WebhookChain:
    """The delivery worker (`connections webhooks deliver`) sending the event log to a sink here.

    Killed with SIGKILL at random like the rest; afterwards every logged event must have
    reached the sink (at least once, in order per subscriber), none given up.
    """

    def __init__(self, app: Gunicorn, settings: Settings):
        self.settings = settings
        self.received: list[int] = []
        chain = self

        class Sink(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                chain.received.append(json.loads(body)["event_id"])
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.sink = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
        threading.Thread(target=self.sink.serve_forever, daemon=True).start()
        self.env = {**app.env, "WEBHOOK_POLL_SECONDS": "0.2", "LOG_LEVEL": "warning"}
        self.worker = deliver_worker(self.env)
        with db.create_driver(settings) as driver:
            # Right after a restart the cold server may take seconds to plan this write.
            store = WebhookStore(Runner(driver, settings.neo4j_database, Tuning(query_timeout=60)))
            url = f"http://127.0.0.1:{self.sink.server_address[1]}/hook/"
            self.subscriber = store.add_subscriber(url, "soak", [], True, time.time())["id"]

    def start(self) -> None:
        self.worker.start()

    def kill9(self) -> int:
        """SIGKILL the worker and start a new one; returns the killed pid."""
        pid = self.worker.pid
        self.worker.kill9()
        self.worker.start()
        return pid

    def finish(self, timeout: float = 120) -> tuple[bool, str]:
        """Wait until the worker has caught up with the log; compare what the sink got."""
        with db.create_driver(self.settings) as driver:
            graph = Runner(driver, self.settings.neo4j_database, Tuning(query_timeout=60))
            last = max(
                [e["event_id"] for e in EventLog(graph).read_events(0, limit=10**6)], default=0
            )
            store = WebhookStore(graph)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                rows = [r for r in store.list_subscribers() if r["id"] == self.subscriber]
                if rows and rows[0]["cursor"] >= last:
                    break
                time.sleep(0.5)
            failures = store.list_failures()
        self.worker.stop()
        self.sink.shutdown()
        missing = sorted(set(range(1, last + 1)) - set(self.received))
        extra = len(self.received) - len(set(self.received))
        in_order = self.received == sorted(self.received)
        ok = not missing and not failures and in_order
        return ok, (
            f"{last} events logged, {len(set(self.received))} delivered, missing "
            f"{missing[:10]}, re-sent {extra}, in order: {in_order}, given up: {len(failures)}"
        )

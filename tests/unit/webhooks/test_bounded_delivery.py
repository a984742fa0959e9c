"""The delivery worker reads a bounded part of a subscriber's answer, within its timeout."""

from __future__ import annotations

import socket
import threading
import time

from service.webhooks.delivery import MAX_RESPONSE_BYTES, post_json


class HostileSubscriber:
    """Answers 200 with a 1 GB Content-Length, then sends `chunk` bytes every 10 ms."""

    def __init__(self, chunk: int):
        self.chunk = chunk
        self.sent = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/hook/"
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n")
            try:
                while self.sent < 1 << 30:
                    conn.sendall(b"x" * self.chunk)
                    self.sent += self.chunk
                    time.sleep(0.01)
            except OSError:
                pass  # the worker hung up: what this test wants
        self.listener.close()


def test_a_huge_answer_is_read_only_up_to_the_cap():
    subscriber = HostileSubscriber(chunk=256 * 1024)
    status, error = post_json(subscriber.url, b"{}", {}, timeout=5)
    assert (status, error) == (200, None)
    subscriber.thread.join(timeout=5)
    # What the worker read is the cap; the kernel buffers hold a few chunks more at most.
    assert subscriber.sent < MAX_RESPONSE_BYTES + 40 * 256 * 1024


def test_a_dripping_answer_ends_at_the_timeout():
    subscriber = HostileSubscriber(chunk=1)
    started = time.monotonic()
    status, error = post_json(subscriber.url, b"{}", {}, timeout=1)
    assert (status, error) == (200, None)
    assert time.monotonic() - started < 2.5

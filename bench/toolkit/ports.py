"""A free loopback port for a server a benchmark or a test starts."""

from __future__ import annotations

import os
import socket


def free_port() -> int:
    """A port nothing listens on at 127.0.0.1: the kernel's pick, or the first free one in
    FREE_PORTS (`first-last`, e.g. `26800-26999`) on a machine where each user owns a range."""
    span = os.environ.get("FREE_PORTS", "")
    if not span:
        return _bindable(0)
    first, _, last = span.partition("-")
    for port in range(int(first), int(last or first) + 1):
        try:
            return _bindable(port)
        except OSError:
            continue
    raise OSError(f"FREE_PORTS={span}: every port is taken")


def _bindable(port: int) -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        return sock.getsockname()[1]

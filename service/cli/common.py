"""What every command shares: the one-line error and the argument types."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


class CommandError(Exception):
    """A command failed in a way the user can fix; printed as one line, exit code 2."""


def positive_int(text: str) -> int:
    """An argparse type: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def positive(kind):
    """An argparse type: a number of `kind` (int or float) > 0."""

    def convert(raw: str):
        try:
            value = kind(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {raw!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0, got {raw}")
        return value

    return convert


def existing_file(text: str) -> Path:
    """An argparse type: the path of a file that exists."""
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {text}")
    return path


def manage_server(server, action: str, external_variable: str) -> int:
    """`start|stop|status` of a managed local server (Neo4j, Redis); nothing to manage when
    `external_variable` points at a server of the operator's own."""
    if os.environ.get(external_variable, "").strip():
        print(f"{external_variable} is set: using that server, nothing to start or stop here.")
        return 0
    if action == "start":
        print(server.start().describe())
    elif action == "stop":
        print("stopped" if server.stop() else "not running")
    else:
        status = server.status()
        print(status.describe())
        return 0 if status.running else 3
    return 0

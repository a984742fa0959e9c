"""What every command shares: the one-line error and the argument types."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

N = TypeVar("N", int, float)


class CommandError(Exception):
    """A command failed in a way the user can fix; printed as one line, exit code 2."""


def number(
    kind: Callable[[str], N], accepts: Callable[[N], bool], rule: str, noun: str = "a number"
) -> Callable[[str], N]:
    """An argparse type: a `kind` (int or float) that `accepts`; errors say `noun` and `rule`."""

    def convert(text: str) -> N:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {noun}: {text!r}") from None
        if not accepts(value):
            raise argparse.ArgumentTypeError(f"must be {rule}, got {text}")
        return value

    return convert


def positive(kind: Callable[[str], N]) -> Callable[[str], N]:
    """An argparse type: a number of `kind` (int or float) > 0."""
    return number(kind, lambda value: value > 0, "> 0")


positive_int = number(int, lambda value: value >= 1, ">= 1", "an integer")
non_negative_int = number(int, lambda value: value >= 0, ">= 0", "an integer")


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

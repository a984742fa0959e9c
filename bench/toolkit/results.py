"""The one place benchmarks record results: a dated section appended to bench/RESULTS.md."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys

from bench.toolkit import ROOT

RESULTS = ROOT / "bench" / "RESULTS.md"


def machine() -> str:
    """Cores, memory and the versions that matter to a figure."""
    import falcon
    import neo4j

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, "
        f"neo4j driver {neo4j.__version__}, Falcon {falcon.__version__}"
    )


def command_line(module: str, argv: list[str] | None) -> str:
    """How to run it again: `python -m bench.<module>` and its arguments."""
    return " ".join(["python -m", module, *(sys.argv[1:] if argv is None else argv)])


def record(title: str, command: str, body: str) -> None:
    """Append `body` (Markdown) under a dated heading with the command and the machine."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"\n### {title} — {stamp}\n\nCommand: `{command}`  \nMachine: {machine()}\n\n"
        f"{body.rstrip()}\n"
    )
    with RESULTS.open("a") as handle:
        handle.write(section)
    print(f"recorded in {RESULTS}")


def json_block(figures: dict, keep: int = 20) -> str:
    """`figures` as a fenced JSON block; a list longer than `keep` keeps its first entries and
    its length (a bad chaos run can have tens of thousands of violations)."""
    trimmed = {
        k: v[:keep] + [f"... {len(v)} in all"] if isinstance(v, list) and len(v) > keep else v
        for k, v in figures.items()
    }
    return "```json\n" + json.dumps(trimmed, indent=2, default=str) + "\n```"

"""wrk over a file of paths: requests per second and wrk's own p50 and p99 latencies."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

# Each request GETs a random line of the file $WRK_PATHS names.
SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
local headers = {["Accept"] = "application/json"}
request = function()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
"""
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(base: str, paths_file: Path, connections: int, seconds: int) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) of `connections` wrk connections over random lines of
    `paths_file` for `seconds`; its Lua script is written beside that file."""
    script = paths_file.with_suffix(".lua")
    script.write_text(SCRIPT)
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
        + ["-s", str(script), base],
        env=dict(os.environ, WRK_PATHS=str(paths_file)),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps, p50, p99, failed = parse(out)
    if failed:
        print(f"wrk: {failed} non-2xx responses", file=sys.stderr, flush=True)
    return rps, p50, p99


def parse(out: str) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p99 ms, non-2xx/3xx responses) from wrk's `--latency` report.

    The percentiles are wrk's own (from its latency histogram), not bench.toolkit.stats's."""

    def number(pattern: str) -> re.Match:
        found = re.search(pattern, out)
        if found is None:
            raise ValueError(f"wrk's report has no {pattern!r}: {out[-300:]}")
        return found

    def ms(label: str) -> float:
        value, unit = number(rf"{label}\s+([\d.]+)(us|ms|s)\b").groups()
        return float(value) * _UNIT_MS[unit]

    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    rps = float(number(r"Requests/sec:\s+([\d.]+)").group(1))
    return rps, ms("50%"), ms("99%"), int(failed.group(1)) if failed else 0

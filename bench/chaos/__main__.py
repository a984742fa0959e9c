"""`python -m bench.chaos crash|restarts|soak [--record]`: set up, run one scenario, judge."""

from __future__ import annotations

import argparse
import json
import os
import sys

from bench import chaos
from bench.chaos.scenarios import scenario_crash, scenario_restarts, scenario_soak
from bench.chaos.system import chaos_gunicorn, chaos_instance
from bench.toolkit.results import json_block, record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=chaos.__doc__.splitlines()[0], prog="python -m bench.chaos"
    )
    parser.add_argument("scenario", choices=["crash", "restarts", "soak"])
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", "1200"))
    )
    parser.add_argument("--record", action="store_true", help="append figures to bench/RESULTS.md")
    parser.add_argument("--keep", action="store_true", help="leave the chaos Neo4j running")
    args = parser.parse_args(argv)
    neo = chaos_instance()
    figures = {"setup": neo.start_and_load()}
    app = chaos_gunicorn(neo.settings)
    app.start()
    try:
        if args.scenario == "crash":
            figures.update(scenario_crash(neo, app))
        elif args.scenario == "restarts":
            figures.update(scenario_restarts(app))
        else:
            gap = max(15.0, args.seconds / 20)
            figures.update(scenario_soak(neo, app, args.seconds, min_gap=gap, max_gap=2 * gap))
    finally:
        app.stop()
        if not args.keep:
            neo.stop()
    print(json.dumps(figures, indent=2, default=str))
    if args.record:
        record(
            f"chaos: {args.scenario}",
            "python -m bench.chaos " + " ".join(argv or sys.argv[1:]),
            json_block(figures),
        )
    failed = figures.get("violations") or figures.get("writes_missing")
    return 1 if failed or figures.get("webhooks_ok") is False else 0


if __name__ == "__main__":
    sys.exit(main())

"""`make loadtest`: run each Locust scenario headless against a running service, report, gate.

Prints p50/p95/p99, requests/s and error rate per scenario; saves Locust's CSV and HTML per
scenario and a summary CSV under reports/loadtest/ (ignored); exits 1 when any scenario's error
rate passes --max-error-rate. Targets loopback only, and every run is bounded by --duration.
"""

from __future__ import annotations

import argparse
import csv
import ipaddress
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.config import Settings  # noqa: E402
from service.domain.auth import mint_token  # noqa: E402
from service.graph import cypher, db  # noqa: E402

SCENARIOS = [
    "first-page-uniform",
    "first-page-degree-weighted",
    "page-through",
    "supernode-deep-offset",
    "authenticated",
    "anonymous",
    "mixed-read-write",
]
CLASS_NAMES = {
    "first-page-uniform": "FirstPageUniform",
    "first-page-degree-weighted": "FirstPageDegreeWeighted",
    "page-through": "PageThrough",
    "supernode-deep-offset": "SupernodeDeepOffset",
    "authenticated": "Authenticated",
    "anonymous": "Anonymous",
    "mixed-read-write": "MixedReadWrite",
}


def ensure_loopback(host: str) -> None:
    """Load tests never leave this machine."""
    hostname = urlparse(host).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(hostname, None)}
    except socket.gaierror:
        raise SystemExit(f"loadtest: cannot resolve {hostname!r}") from None
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise SystemExit(f"loadtest: refusing {host}: load tests target loopback only")


def prepare_sample(settings: Settings, size: int, supernodes: int, ttl: int, out: Path) -> dict:
    """Sample users and supernodes once, mint tokens, write the file the locustfile reads."""
    with db.create_driver(settings) as driver:

        def read(name, **params):
            records, _, _ = driver.execute_query(
                cypher.query(name), database_=settings.neo4j_database, routing_="r", **params
            )
            return [dict(r) for r in records]

        users = read("loadtest/sample_users", n=size)
        top = [u for u in read("loadtest/supernodes", n=supernodes) if u["degree"] > 0]
    if not users:
        raise SystemExit("loadtest: the database has no users; run `make run` (demo data) first")
    tokens = [mint_token(u["id"], settings.jwt_secret, ttl_seconds=ttl) for u in users[:200]]
    sample = {"users": users, "supernodes": top, "tokens": tokens}
    out.write_text(json.dumps(sample))
    return sample


def read_aggregate(stats_csv: Path) -> dict:
    with stats_csv.open() as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                return row
    raise SystemExit(f"loadtest: no aggregated row in {stats_csv}")


def run_scenario(name: str, args, reports: Path, sample_file: Path) -> dict:
    prefix = reports / name
    cmd = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "loadtest" / "locustfile.py"),
        "--headless",
        "--host",
        args.host,
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.duration}s",
        "--stop-timeout",
        "5",
        "--csv",
        str(prefix),
        "--html",
        f"{prefix}.html",
        "--loglevel",
        "WARNING",
        CLASS_NAMES[name],
    ]
    print(
        f"\n== {name}: {args.users} users, spawn {args.spawn_rate}/s, {args.duration}s", flush=True
    )
    env = dict(os.environ, LOADTEST_SAMPLE=str(sample_file))
    started = time.monotonic()
    subprocess.run(cmd, env=env, timeout=args.duration + 120, check=False)
    row = read_aggregate(Path(f"{prefix}_stats.csv"))
    requests, failures = int(row["Request Count"]), int(row["Failure Count"])
    return {
        "scenario": name,
        "requests": requests,
        "failures": failures,
        "error_rate": failures / requests if requests else 1.0,
        "rps": float(row["Requests/s"]),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env = os.environ
    parser.add_argument("--host", default=env.get("LOADTEST_HOST", "http://127.0.0.1:8000"))
    parser.add_argument("--users", type=int, default=int(env.get("LOADTEST_USERS", "8")))
    parser.add_argument(
        "--spawn-rate", type=float, default=float(env.get("LOADTEST_SPAWN_RATE", "4"))
    )
    parser.add_argument(
        "--duration",
        type=int,
        default=int(env.get("LOADTEST_DURATION", "20")),
        help="seconds per scenario",
    )
    parser.add_argument("--scenarios", default=env.get("LOADTEST_SCENARIOS", ",".join(SCENARIOS)))
    parser.add_argument(
        "--max-error-rate", type=float, default=float(env.get("LOADTEST_MAX_ERROR_RATE", "0.01"))
    )
    parser.add_argument("--sample-size", type=int, default=2000)
    parser.add_argument("--reports", default=str(ROOT / "reports" / "loadtest"))
    args = parser.parse_args(argv)

    names = [n.strip() for n in args.scenarios.split(",") if n.strip()]
    unknown = [n for n in names if n not in CLASS_NAMES]
    if unknown:
        parser.error(f"unknown scenario(s) {unknown}; choose from {SCENARIOS}")
    if args.duration <= 0 or args.users <= 0:
        parser.error("--duration and --users must be positive")
    ensure_loopback(args.host)
    reports = Path(args.reports)
    reports.mkdir(parents=True, exist_ok=True)
    settings = Settings.from_env()
    sample_file = reports / "sample.json"
    sample = prepare_sample(
        settings, args.sample_size, 20, args.duration * len(names) + 600, sample_file
    )
    print(
        f"sampled {len(sample['users'])} users, {len(sample['supernodes'])} supernodes "
        f"(max degree {max((s['degree'] for s in sample['supernodes']), default=0)})"
    )

    results = [run_scenario(name, args, reports, sample_file) for name in names]
    summary = reports / "summary.csv"
    with summary.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(results[0]))
        writer.writeheader()
        writer.writerows(results)
    print(
        f"\n{'scenario':<28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>8}"
    )
    for r in results:
        print(
            f"{r['scenario']:<28} {r['rps']:>8.1f} {r['p50_ms']:>8.0f} {r['p95_ms']:>8.0f} "
            f"{r['p99_ms']:>8.0f} {r['error_rate']:>8.2%}"
        )
    print(f"\nreports: {reports} (per-scenario CSV + HTML, summary.csv)")
    failed = [r["scenario"] for r in results if r["error_rate"] > args.max_error_rate]
    if failed:
        print(f"loadtest: error rate above {args.max_error_rate:.2%} in {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

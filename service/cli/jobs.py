"""`connections jobs`: analyze, export and catalogue queries as detached background jobs."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from service.cli.common import CommandError
from service.config import DEFAULT_STATE_DIR


def register(commands) -> None:
    parser = commands.add_parser(
        "jobs",
        help="run analyze/export/query in the background: start, list, show, cancel, result",
        description="Background jobs survive the terminal and a crash of their runner (a new "
        "runner takes an unfinished job over at the next `jobs` command). State and results "
        "live under CONNECTIONS_JOBS_DIR (default .local/jobs/).",
    )
    actions = parser.add_subparsers(dest="action", required=True)
    start = actions.add_parser("start", help="start a job: jobs start analyze pagerank --top 10")
    start.add_argument("argv", nargs=argparse.REMAINDER, help="the command and its options")
    actions.add_parser("list", help="every job: id, state, attempts, command")
    for name, text in (
        ("show", "one job's state and progress (--format json for all of it)"),
        ("cancel", "stop a job"),
        ("result", "what the job printed (its stdout); --stderr for the rest"),
        ("run", argparse.SUPPRESS),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("id")
        if name == "show":
            action.add_argument("--format", choices=["table", "json"], default="table")
        if name == "result":
            action.add_argument("--stderr", action="store_true")
    parser.set_defaults(func=run)


def jobs_dir() -> Path:
    configured = os.environ.get("CONNECTIONS_JOBS_DIR", "").strip()
    if configured:
        return Path(configured)
    state = os.environ.get("CONNECTIONS_STATE_DIR", "").strip()
    return (Path(state) if state else DEFAULT_STATE_DIR) / "jobs"


def run(args: argparse.Namespace) -> int:
    from service.analytics.jobs import JobError, JobStore

    store = JobStore(jobs_dir())
    try:
        if args.action == "run":
            return store.run(args.id, args.entry_point)
        store.recover()
        if args.action == "start":
            argv = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
            job = store.create(argv)
            store.spawn(job.id)
            print(job.id)
        elif args.action == "list":
            for job in store.all():
                print(f"{job.id}  {job.state:<9}  attempts {job.attempts}  {' '.join(job.argv)}")
        elif args.action == "show":
            job = store.get(args.id)
            details = {**job.__dict__, "progress": store.progress(job.id)}
            if args.format == "json":
                print(json.dumps(details, indent=2))
            else:
                for key, value in details.items():
                    print(f"{key:<16} {value}")
        elif args.action == "cancel":
            job = store.cancel(args.id)
            print(f"{job.id} {job.state}")
        elif args.action == "result":
            job = store.get(args.id)
            if job.state != "done" and not args.stderr:
                raise CommandError(
                    f"job {job.id} is {job.state}; its result is kept once it is done "
                    "(--stderr shows its progress and errors)"
                )
            print(store.output(job.id, "stderr" if args.stderr else "stdout"), end="")
    except JobError as exc:
        raise CommandError(str(exc)) from None
    return 0

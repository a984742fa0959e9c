"""The project's own local Neo4j Community server, run from Maven Central's jars.

No Docker engine runs on our machines, so `connections neo4j start` assembles the server the
way Neo4j's own `bin/neo4j` does: jars from `org.neo4j:neo4j` (fetched once with Maven), a
generated `neo4j.conf`, and the single server JVM that `Neo4jCommand console --dry-run` prints.
"""

from __future__ import annotations

import logging
import os
import re
import shlex
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from service.config import Neo4jServerSettings
from service.graph import cypher
from service.ops.neo4j_conf import conf_lines
from service.ops.neo4j_install import Neo4jServerError, ensure_jars, find_java, pinned_version
from service.ops.processes import ManagedProcess, port_is_free, status_text

log = logging.getLogger(__name__)

STARTUP_CLASS = "org.neo4j.server.startup.Neo4jCommand"
ADMIN_CLASS = "org.neo4j.server.startup.Neo4jAdminCommand"


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    version: str
    bolt_uri: str
    http_uri: str
    home: Path
    data_dir: Path
    log_file: Path
    console_log: Path

    def describe(self) -> str:
        return status_text(
            "neo4j",
            self.pid if self.running else None,
            [
                ("version", f"Neo4j Community {self.version}"),
                ("bolt", self.bolt_uri),
                ("http", self.http_uri),
                ("home", self.home),
                ("data", self.data_dir),
                ("log file", self.log_file),
                ("console log", self.console_log),
            ],
        )


class LocalNeo4j(ManagedProcess[ServerStatus]):
    """One named local server instance: its jars, config, data, logs and process."""

    name = "Neo4j"
    program = "Neo4j"
    error = Neo4jServerError
    ready_poll = 0.5
    tail_lines = 8
    stop_timeout = 60.0
    stop_poll = 0.2
    kill_timeout = 30.0

    def __init__(self, settings: Neo4jServerSettings):
        self.settings = settings
        self.start_timeout = settings.start_timeout
        self.home = settings.home
        self.conf_dir = self.home / "conf"
        self.logs_dir = self.home / "logs"
        self.run_dir = self.home / "run"
        self.pid_file = self.run_dir / "connections-neo4j.pid"
        self.console_log = self.logs_dir / "console.log"
        self.log_file = self.logs_dir / "neo4j.log"

    # -- preparation ---------------------------------------------------------------------

    def java(self) -> str:
        return find_java()

    def ensure_jars(self) -> Path:
        return ensure_jars(self.settings.lib_dir)

    def write_config(self) -> Path:
        """Write neo4j.conf from the settings; rewritten on every start so env changes apply."""
        s = self.settings
        for folder in (
            self.conf_dir,
            self.logs_dir,
            self.run_dir,
            s.data_path,
            self.home / "plugins",
            self.home / "import",
        ):
            folder.mkdir(parents=True, exist_ok=True)
        lines = conf_lines(s, self.logs_dir, self.run_dir)
        path = self.conf_dir / "neo4j.conf"
        path.write_text("\n".join(lines) + "\n")
        return path

    def _neo4j_env(self) -> dict:
        env = dict(os.environ)
        env.update(NEO4J_HOME=str(self.home), NEO4J_CONF=str(self.conf_dir))
        # JAVA_OPTS would replace every JVM option we configure; HEAP_SIZE would override ours.
        env.pop("JAVA_OPTS", None)
        env.pop("HEAP_SIZE", None)
        return env

    def _run_tool(self, java: str, main_class: str, *args: str) -> subprocess.CompletedProcess:
        classpath = f"{self.settings.lib_dir}/*"
        return subprocess.run(
            [java, "-cp", classpath, main_class, *args],
            cwd=self.home,
            env=self._neo4j_env(),
            capture_output=True,
            text=True,
        )

    def set_initial_password(self, java: str) -> None:
        """Set the neo4j user's password before the very first start (as Neo4j's Docker does)."""
        if (self.settings.data_path / "dbms" / "auth.ini").exists():
            return
        password = self.settings.resolve_password()
        if len(password) < 8:
            raise Neo4jServerError("NEO4J_PASSWORD must be at least 8 characters")
        # "--": a generated password may start with "-", which would be read as an option
        result = self._run_tool(java, ADMIN_CLASS, "dbms", "set-initial-password", "--", password)
        if result.returncode != 0:
            raise Neo4jServerError(
                "setting the initial password failed: "
                + (result.stderr or result.stdout).strip()[-300:]
            )

    def server_command(self, java: str) -> list[str]:
        """The one server JVM that Neo4j's launcher would fork, as `console --dry-run` prints it."""
        result = self._run_tool(java, STARTUP_CLASS, "console", "--dry-run")
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        if result.returncode != 0 or not lines:
            raise Neo4jServerError(
                "Neo4j rejected its configuration: "
                + (result.stderr or result.stdout).strip()[-400:]
            )
        return shlex.split(lines[-1])

    # -- process -------------------------------------------------------------------------

    def owns(self, cmdline: bytes) -> bool:
        return str(self.home).encode() in cmdline

    def status(self) -> ServerStatus:
        s = self.settings
        return ServerStatus(
            running=self.pid() is not None,
            pid=self.pid(),
            version=pinned_version(),
            bolt_uri=s.bolt_uri,
            http_uri=f"http://127.0.0.1:{s.http_port}",
            home=self.home,
            data_dir=s.data_path,
            log_file=self.log_file,
            console_log=self.console_log,
        )

    def prepare(self) -> tuple[list[str], dict | None]:
        java = self.java()
        for name, port in (
            ("NEO4J_BOLT_PORT", self.settings.bolt_port),
            ("NEO4J_HTTP_PORT", self.settings.http_port),
        ):
            if not port_is_free(port):
                raise Neo4jServerError(f"port {port} ({name}) is already in use on 127.0.0.1")
        self.ensure_jars()
        self.write_config()
        self.set_initial_password(java)
        return self.server_command(java), self._neo4j_env()

    def address(self) -> str:
        return self.settings.bolt_uri

    @contextmanager
    def probe(self) -> Iterator[Callable[[], bool]]:
        from neo4j import GraphDatabase
        from neo4j.exceptions import (
            AuthError,
            DatabaseUnavailable,
            ServiceUnavailable,
            TransientError,
        )

        auth = ("neo4j", self.settings.resolve_password())

        def answers() -> bool:
            try:
                # An auto-commit query: execute_query would retry with back-off on its own.
                with (
                    GraphDatabase.driver(
                        self.settings.bolt_uri, auth=auth, connection_timeout=2
                    ) as driver,
                    driver.session() as session,
                ):
                    session.run(cypher.query("admin/ping")).consume()
                return True
            except AuthError:
                raise Neo4jServerError(
                    f"Neo4j rejected the password for user neo4j: {self.settings.data_path} was "
                    f"initialised with another one (NEO4J_PASSWORD or {self.settings.password_file})"
                ) from None
            except (ServiceUnavailable, DatabaseUnavailable, TransientError, OSError):
                return False  # still starting

        yield answers

    def await_checkpoint(self, since: float | None = None, timeout: float | None = None) -> float:
        """Wait until a checkpoint that started at or after `since` (epoch seconds; default now)
        has completed; seconds waited.

        Community 5.26 has no `db.checkpoint()` procedure; the server checkpoints every
        `db.checkpoint.interval.time` when something new was committed, and logs each one in
        debug.log (`Checkpoint triggered by ... checkpoint started` / `completed`).
        """
        since = time.time() if since is None else since
        debug_log = self.logs_dir / "debug.log"
        timeout = timeout if timeout is not None else self.settings.checkpoint_interval + 30
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if _checkpoint_completed_since(debug_log, since):
                return time.monotonic() - started
            time.sleep(0.5)
        raise Neo4jServerError(
            f"no checkpoint completed within {timeout:.0f}s (see {debug_log}); the data is "
            f"safe but a crash now would replay it from the transaction log"
        )

    def recovery_report(self) -> dict:
        """What the last start logged about recovery and index rebuilds (from debug.log)."""
        debug_log = self.logs_dir / "debug.log"
        text = debug_log.read_text(errors="replace") if debug_log.exists() else ""
        last_start = text.rfind("Starting transaction log")
        tail = text[last_start:] if last_start >= 0 else text
        return {
            "recovery": bool(re.search(r"Recovery in .* mode completed", tail)),
            "rebuilt_indexes": sorted(
                set(re.findall(r"Index population started: \[([^\]]*)\]", tail))
            ),
        }

    # -- offline admin -------------------------------------------------------------------

    def admin(self, *args: str) -> subprocess.CompletedProcess:
        """Run `neo4j-admin ARGS` from the same jars (e.g. `database import full ...`)."""
        java = self.java()
        self.ensure_jars()
        self.write_config()
        return self._run_tool(java, ADMIN_CLASS, *args)


def _checkpoint_completed_since(debug_log: Path, since: float) -> bool:
    """debug.log shows a checkpoint that started at or after `since` and then completed."""
    if not debug_log.exists():
        return False
    with open(debug_log, "rb") as handle:
        handle.seek(max(0, debug_log.stat().st_size - 2**21))  # the last 2 MiB are plenty
        lines = handle.read().decode(errors="replace").splitlines()
    seen_start = False
    for line in lines:
        if "CheckPointerImpl" not in line:
            continue
        if "checkpoint started" in line:
            try:
                at = datetime.strptime(line[:28], "%Y-%m-%d %H:%M:%S.%f%z").timestamp()
            except ValueError:
                continue
            seen_start = seen_start or at >= since
        elif seen_start and "checkpoint completed" in line:
            return True
    return False

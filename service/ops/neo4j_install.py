"""Neo4j Community's jars from Maven Central and the Java that runs them."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

from service.config import PROJECT_ROOT

log = logging.getLogger(__name__)

POM = PROJECT_ROOT / "neo4j-server" / "pom.xml"


class Neo4jServerError(Exception):
    """The local server could not be prepared, started or stopped; one line for the operator."""


def pinned_version() -> str:
    """The Neo4j version the project's pom asks Maven for."""
    match = re.search(r"<neo4j\.version>([^<]+)</neo4j\.version>", POM.read_text())
    if not match:
        raise Neo4jServerError(f"no <neo4j.version> in {POM}")
    return match.group(1).strip()


def find_java() -> str:
    """The java binary: $JAVA_HOME/bin/java, else java on PATH; Neo4j 5.26 needs 17 or 21."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home) / "bin" / "java" if java_home else None
    java = str(candidate) if candidate and candidate.exists() else shutil.which("java")
    if not java:
        raise Neo4jServerError("Java not found: install Java 17 (or set JAVA_HOME)")
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)', out)
    if not match or int(match.group(1)) < 17:
        raise Neo4jServerError(f"Neo4j 5.26 needs Java 17 or 21; {java} reports: {out.strip()}")
    return java


def ensure_jars(lib: Path) -> Path:
    """Fetch the server jars with Maven once; later calls reuse them."""
    version = pinned_version()
    stamp = lib / ".version"
    if stamp.exists() and stamp.read_text().strip() == version:
        return lib
    mvn = shutil.which("mvn")
    if not mvn:
        raise Neo4jServerError("Maven (mvn) not found: it fetches the Neo4j jars once")
    log.info("fetching Neo4j %s jars from Maven Central into %s", version, lib)
    print(f"Fetching Neo4j Community {version} jars from Maven Central (once)...", flush=True)
    if lib.exists():
        shutil.rmtree(lib)
    cmd = [
        mvn,
        "-q",
        "-B",
        "-f",
        str(POM),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={lib}",
        "-DincludeScope=runtime",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
        raise Neo4jServerError("Maven could not fetch the Neo4j jars: " + " | ".join(tail))
    stamp.write_text(version + "\n")
    return lib

"""The bulk path: a generated graph written as neo4j-admin CSVs and loaded offline.

`neo4j-admin database import full` builds the store files directly and is far faster than
Bolt for a fresh database, but it replaces the whole database and needs the server stopped, so
it is only used for the project's own managed server when its database is empty.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from service.config import Settings
from service.domain.users import user_properties
from service.graph import db
from service.ingest.generate import (
    GeneratedFiles,
    GeneratorConfig,
    generate_users,
    write_pair_files,
)
from service.ops.neo4j_server import LocalNeo4j, Neo4jServerError

log = logging.getLogger(__name__)

# (stored property, neo4j-admin type); the types match what a Bolt import stores
# (Python int → long, bool → boolean, aware datetime → datetime, date → date).
USER_COLUMNS = (
    ("username", "string"),
    ("username_key", "string"),
    ("real_name", "string"),
    ("email", "string"),
    ("email_isvalid", "boolean"),
    ("date_joined", "datetime"),
    ("bio", "string"),
    ("location", "string"),
    ("location_lat_lng", "string"),
    ("position_lat_lng", "string"),
    ("date_of_birth", "date"),
    ("description", "string"),
    ("gender", "string"),
    ("status", "string"),
    ("website", "string"),
    ("avatar", "string"),
    ("cover", "string"),
    ("ext_id", "long"),
    ("tags_json", "string"),
    ("reputation", "long"),
    ("posts_counter", "long"),
    ("discussions_counter", "long"),
    ("statuses_counter", "long"),
    ("polls_counter", "long"),
    ("is_staff", "boolean"),
)
REQUEST_HEADER = (":START_ID(User)", ":END_ID(User)", "created_at:datetime")
# A connection is two relationships, one per direction, each with its owner's id and the other
# user's negated id for the connection_order index (see cypher/ingest/merge_connections).
CONNECTION_HEADER = REQUEST_HEADER + ("owner:long", "neg_other:long")


def _cell(value, kind: str) -> str:
    """A CSV cell: None → empty and unquoted (no property); strings quoted, so "" stays ""."""
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "long":
        return str(int(value))
    if kind == "datetime":
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "date":
        return value.isoformat()
    return '"' + str(value).replace('"', '""') + '"'


def write_admin_csvs(cfg: GeneratorConfig, out_dir: Path) -> GeneratedFiles:
    """Write users, connections and requests as typed neo4j-admin CSVs for `cfg`'s graph."""
    out_dir.mkdir(parents=True, exist_ok=True)
    users_path = out_dir / "admin-users.csv"
    connections_path = out_dir / "admin-connections.csv"
    requests_path = out_dir / "admin-requests.csv"
    users = 0
    with open(users_path, "w", encoding="utf-8") as handle:
        handle.write(
            ",".join(["id:ID(User)"] + [f"{name}:{kind}" for name, kind in USER_COLUMNS]) + "\n"
        )
        for user in generate_users(cfg):
            props = user_properties(user)
            props["date_joined"] = user["date_joined"]
            handle.write(
                ",".join(
                    [str(user["id"])] + [_cell(props[name], kind) for name, kind in USER_COLUMNS]
                )
                + "\n"
            )
            users += 1
    # Both directions of a connection, each owned by its start user (as the import writes them).
    connections, requests = write_pair_files(
        cfg,
        (connections_path, requests_path),
        (CONNECTION_HEADER, REQUEST_HEADER),
        lambda a, b, at: f"{a},{b},{at},{a},{-b}\n{b},{a},{at},{b},{-a}\n",
    )
    return GeneratedFiles(users_path, connections_path, requests_path, users, connections, requests)


def import_admin_csvs(settings: Settings, files: GeneratedFiles) -> dict[str, float]:
    """Stop the managed server, replace its database with the CSVs, restart, apply the schema.

    Returns seconds per phase. The caller must have checked that the database is empty.
    """
    if settings.neo4j_external:
        raise Neo4jServerError("the bulk path needs the project's managed Neo4j, not NEO4J_URI")
    if settings.neo4j_database != "neo4j":
        raise Neo4jServerError("the bulk path loads Community's one user database, `neo4j`")
    server = LocalNeo4j(settings.server)
    phases = {}
    started = time.monotonic()
    server.stop()
    phases["stop"] = time.monotonic() - started
    started = time.monotonic()
    result = server.admin(
        "database",
        "import",
        "full",
        settings.neo4j_database,
        "--overwrite-destination=true",
        "--id-type=integer",
        "--skip-duplicate-nodes=false",
        "--bad-tolerance=0",
        f"--report-file={files.users_path.parent / 'import.report'}",
        f"--nodes=User={files.users_path}",
        f"--relationships=CONNECTED_TO={files.connections_path}",
        f"--relationships=CONNECTION_REQUEST={files.requests_path}",
    )
    phases["neo4j-admin"] = time.monotonic() - started
    log.info("neo4j-admin import output: %s", result.stdout[-2000:])
    started = time.monotonic()
    server.start()
    phases["start"] = time.monotonic() - started
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise Neo4jServerError("neo4j-admin database import failed: " + " | ".join(tail))
    started = time.monotonic()
    with db.create_driver(settings) as driver:
        # The indexes just built over the whole store are durable before this returns.
        db.init_schema(driver, settings.neo4j_database, server.await_checkpoint)
    phases["schema"] = time.monotonic() - started
    return phases

"""The generated neo4j.conf and pre-start checks of the managed server (no JVM started)."""

import socket

import pytest

from service.config import Neo4jServerSettings
from service.ops.neo4j_conf import JVM_OPTIONS
from service.ops.neo4j_install import Neo4jServerError, pinned_version
from service.ops.neo4j_server import LocalNeo4j


def test_config_listens_on_loopback_with_auth_and_configured_ports(tmp_path):
    s = Neo4jServerSettings(
        state_dir=tmp_path,
        bolt_port=17001,
        http_port=17002,
        heap="2g",
        pagecache="3g",
        data_dir=tmp_path / "elsewhere",
    )
    conf = LocalNeo4j(s).write_config().read_text().splitlines()
    assert "server.default_listen_address=127.0.0.1" in conf
    assert "server.bolt.listen_address=127.0.0.1:17001" in conf
    assert "server.http.listen_address=127.0.0.1:17002" in conf
    assert f"server.directories.data={tmp_path / 'elsewhere'}" in conf
    assert "server.memory.heap.max_size=2g" in conf
    assert "server.memory.pagecache.size=3g" in conf
    assert "dbms.security.auth_enabled=true" in conf
    for required in (
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    ):
        assert f"server.jvm.additional={required}" in conf and required in JVM_OPTIONS


def test_pinned_version_is_a_526_patch():
    assert pinned_version().startswith("5.26.")


def test_port_in_use_is_reported_before_anything_starts(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        server = LocalNeo4j(Neo4jServerSettings(state_dir=tmp_path, bolt_port=port))
        with pytest.raises(Neo4jServerError, match=f"port {port} \\(NEO4J_BOLT_PORT\\)"):
            server.start()
    assert not (tmp_path / "lib").exists()  # failed before fetching anything


def test_short_password_is_refused(tmp_path):
    server = LocalNeo4j(Neo4jServerSettings(state_dir=tmp_path, password="short"))
    with pytest.raises(Neo4jServerError, match="at least 8"):
        server.set_initial_password("java")


def test_a_checkpoint_counts_only_when_it_started_after_the_work(tmp_path):
    from datetime import datetime

    from service.ops.neo4j_server import _checkpoint_completed_since

    log = tmp_path / "debug.log"
    prefix = (
        'INFO  [o.n.k.i.t.l.c.CheckPointerImpl] [neo4j/x] Checkpoint triggered by "t" @ txId: 9'
    )
    log.write_text(
        f"2026-11-27 23:53:56.492+0000 {prefix} checkpoint started...\n"
        f"2026-11-27 23:53:56.691+0000 {prefix} checkpoint completed in 199ms\n"
    )
    at = datetime.strptime("2026-11-27 23:53:56.492+0000", "%Y-%m-%d %H:%M:%S.%f%z").timestamp()
    assert _checkpoint_completed_since(log, at - 1)
    assert not _checkpoint_completed_since(log, at + 0.1)  # it started before the work ended
    assert not _checkpoint_completed_since(tmp_path / "missing.log", 0)


def test_checkpoint_and_tx_log_settings_are_deliberate(tmp_path):
    from service.config import Neo4jServerSettings
    from service.ops.neo4j_server import LocalNeo4j

    settings = Neo4jServerSettings(state_dir=tmp_path, checkpoint_interval=7)
    conf = LocalNeo4j(settings).write_config().read_text()
    assert "db.checkpoint.interval.time=7s" in conf
    assert "db.tx_log.rotation.retention_policy=1 days 1G" in conf

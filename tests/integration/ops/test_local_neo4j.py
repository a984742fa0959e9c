"""The managed local server: status, idempotent start, clean stop, clear configuration errors."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from service.ops.neo4j_install import Neo4jServerError, pinned_version
from service.ops.neo4j_server import LocalNeo4j
from service.ops.processes import alive, port_is_free
from tests.conftest import managed_server_settings

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("NEO4J_URI")), reason="NEO4J_URI is set: the managed server is not used"
)


@pytest.fixture(scope="module")
def managed(neo4j_settings):
    if neo4j_settings.neo4j_external:
        pytest.skip("tests run against a container, not the managed server")
    return LocalNeo4j(managed_server_settings())


def test_status_reports_the_running_server(managed):
    status = managed.status()
    assert status.running and status.pid
    assert status.version == pinned_version()
    assert status.bolt_uri == f"bolt://127.0.0.1:{managed.settings.bolt_port}"
    assert str(status.log_file).endswith("logs/neo4j.log") and status.log_file.exists()
    text = status.describe()
    assert f"Neo4j Community {pinned_version()}" in text and str(status.log_file) in text


def test_start_is_idempotent(managed):
    pid = managed.pid()
    assert managed.start().pid == pid


def test_server_listens_on_loopback_only_with_auth(managed):
    conf = (managed.conf_dir / "neo4j.conf").read_text()
    assert "server.default_listen_address=127.0.0.1" in conf
    assert "dbms.security.auth_enabled=true" in conf
    assert "auth_enabled=false" not in conf


def test_wrong_password_is_one_clear_error(managed):
    wrong = LocalNeo4j(dataclasses.replace(managed.settings, password="definitely-wrong"))
    with pytest.raises(Neo4jServerError, match="rejected the password"):
        wrong.start()


def test_port_in_use_is_one_clear_error(managed, tmp_path):
    other = dataclasses.replace(
        managed.settings,
        instance="porttest",
        state_dir=managed.settings.state_dir,
        http_port=managed.settings.http_port + 1000,
    )
    with pytest.raises(
        Neo4jServerError,
        match=rf"port {managed.settings.bolt_port} "
        r"\(NEO4J_BOLT_PORT\) is already in use",
    ):
        LocalNeo4j(other).start()


def test_stop_leaves_no_java_process_behind(managed):
    s = managed.settings
    bolt, http = _free_port_pair()
    server = LocalNeo4j(
        dataclasses.replace(
            s, instance="stoptest", bolt_port=bolt, http_port=http, heap="256m", pagecache="64m"
        )
    )
    status = server.start()
    assert status.running
    assert server.stop() is True
    assert not alive(status.pid)  # gone, or at most an unreaped zombie: no JVM runs
    assert not [pid for pid in _pids() if str(server.home).encode() in _cmdline(pid)]
    assert server.status().running is False
    assert server.stop() is False


def test_a_password_starting_with_a_dash_is_set(managed):
    # Generated passwords are token_urlsafe: 1 in 64 starts with "-", which neo4j-admin took
    # for an option ("Missing required parameter: '<password>'") before the "--".
    server = LocalNeo4j(
        dataclasses.replace(managed.settings, instance="dashtest", password="-starts-with-a-dash")
    )
    try:
        server.write_config()
        server.set_initial_password(server.java())
        assert (server.settings.data_path / "dbms" / "auth.ini").exists()
    finally:
        shutil.rmtree(server.settings.home, ignore_errors=True)


def test_missing_java_is_one_clear_error(managed, monkeypatch):
    monkeypatch.setenv("JAVA_HOME", "/nonexistent")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(Neo4jServerError, match="Java not found"):
        managed.java()


def _free_port_pair() -> tuple[int, int]:
    for base in range(18687, 19687, 7):
        if port_is_free(base) and port_is_free(base + 1):
            return base, base + 1
    raise RuntimeError("no free ports")


def _pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""

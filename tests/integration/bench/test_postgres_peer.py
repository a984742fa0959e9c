"""The PostgreSQL peer (bench/postgres.py) against a real PostgreSQL: it serves the generated
graph's page (newest first, ties by id, the three counters, the owner's count), each page in
one REPEATABLE READ, READ ONLY transaction of prepared statements; a second start reuses the
loaded database, and a server running with other options is restarted with the peer's.
Skipped where PostgreSQL or psycopg is not installed (bench-only)."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
from collections import Counter, defaultdict

import pytest

from bench import postgres
from bench.toolkit import ROOT
from bench.toolkit.graphs import instance_name
from bench.toolkit.ports import free_port
from service.ingest.generate import GeneratorConfig

pytestmark = pytest.mark.skipif(
    not postgres.available() or importlib.util.find_spec("psycopg") is None,
    reason="the PostgreSQL peer needs PostgreSQL and psycopg (apt-get install -y postgresql; "
    "pip install -e '.[peer]')",
)

CFG = GeneratorConfig(users=300, avg_degree=6, seed=3, supernodes=1, supernode_degree=60)


@pytest.fixture(scope="module")
def peer():
    """(dsn, files folder) of a throwaway cluster of the test's own holding CFG's graph."""
    # Under the project, not pytest's tmp_path: the server runs as `postgres`, which cannot
    # enter root's 0700 temporary folders.
    root = ROOT / ".local" / f"peer-test-{os.getpid()}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PEER_PG_PORT", str(free_port()))
        try:
            yield postgres.ensure_peer(CFG, root), root / "files" / instance_name(CFG)
        finally:
            postgres.stop_cluster(root / "data")
            shutil.rmtree(root, ignore_errors=True)


def ground_truth(files):
    """From the generator's files: each user's connections newest first, requests sent and
    received, and who is active."""
    lists = defaultdict(list)
    with open(files / "connections.csv") as handle:
        for a, b, created in list(csv.reader(handle))[1:]:
            lists[int(a)].append((created, int(b)))
            lists[int(b)].append((created, int(a)))
    # one ISO format throughout: the strings sort as the times do (newest first, ids ascending)
    ordered = {
        u: [o for _, o in sorted(v, key=lambda x: (x[0], -x[1]), reverse=True)]
        for u, v in lists.items()
    }
    sent, received = Counter(), Counter()
    with open(files / "requests.csv") as handle:
        for a, b, _ in list(csv.reader(handle))[1:]:
            sent[int(a)] += 1
            received[int(b)] += 1
    with open(files / "users.jsonl") as handle:
        status = {u["id"]: u["status"] for u in map(json.loads, handle)}
    return ordered, sent, received, status


def test_the_page_is_the_graphs_newest_first_with_the_counters(peer):
    dsn, files = peer
    ordered, sent, received, status = ground_truth(files)
    hub = max((u for u in ordered if status[u] == "a"), key=lambda u: len(ordered[u]))
    assert len(ordered[hub]) > 40  # the supernode: page 2 exists
    with postgres.connect(dsn) as conn:
        for offset in (0, 20):
            page = postgres.page(conn, hub, offset, 20)
            assert page.found and page.count == len(ordered[hub])
            expected = ordered[hub][offset : offset + 20]
            assert [row[0] for row in page.rows] == expected
            assert [row[1]["id"] for row in page.rows] == expected  # the user's record
            assert [row[2:] for row in page.rows] == [
                (len(ordered[o]), sent[o], received[o]) for o in expected
            ]


def test_an_unknown_or_inactive_owner_is_not_found(peer):
    dsn, files = peer
    _, _, _, status = ground_truth(files)
    inactive = next(u for u, s in status.items() if s != "a")
    with postgres.connect(dsn) as conn:
        assert postgres.page(conn, 10**9, 0, 20) == postgres.Page(False, 0, [])
        assert postgres.page(conn, inactive, 0, 20) == postgres.Page(False, 0, [])


def test_each_page_is_one_repeatable_read_read_only_transaction_of_prepared_statements(peer):
    dsn, _ = peer
    with postgres.connect(dsn) as conn:
        postgres.page(conn, 1, 0, 20)
        with conn.transaction():
            assert conn.execute("SHOW transaction_isolation").fetchone() == ("repeatable read",)
            assert conn.execute("SHOW transaction_read_only").fetchone() == ("on",)
            texts = [t for (t,) in conn.execute("SELECT statement FROM pg_prepared_statements")]
        assert len(texts) == 2
        assert any("AS found" in t for t in texts) and any("received_counter" in t for t in texts)


def test_a_cluster_running_with_other_options_is_restarted_with_these(peer):
    import psycopg

    dsn, files = peer
    data = files.parents[1] / "data"
    bare = f"-p {postgres.port()} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
    log_file = str(data / "server.log")  # without one, the server would hold our stdout
    postgres.pg(
        "pg_ctl", "-D", str(data), "-o", bare, "-l", log_file, "-m", "fast", "-w", "restart"
    )
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SHOW random_page_cost").fetchone() == ("4",)
    postgres.start_cluster(data)
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SHOW random_page_cost").fetchone() == ("1.1",)


def test_a_second_start_reuses_the_loaded_database(peer):
    import psycopg

    dsn, files = peer
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS marker ()")
    assert postgres.ensure_peer(CFG, files.parents[1]) == dsn
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert conn.execute("SELECT to_regclass('marker') IS NOT NULL").fetchone() == (True,)

"""The generator: deterministic, skewed, duplicate-free, and valid for the importer."""

import collections
import json

import pytest

from service.domain.schemas import UserSchema
from service.ingest.generate import (
    DEMO,
    GeneratorConfig,
    generate_pairs,
    generate_users,
    supernode_ids,
    user_json,
    write_import_files,
)
from service.ingest.rows import read_connections, read_requests, read_users

CFG = GeneratorConfig(
    users=3000, avg_degree=8, supernodes=2, supernode_degree=400, request_share=0.1, seed=11
)


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    first = write_import_files(CFG, tmp_path / "a")
    second = write_import_files(CFG, tmp_path / "b")
    third = write_import_files(GeneratorConfig(**{**CFG.__dict__, "seed": 12}), tmp_path / "c")
    for name in ("users_path", "connections_path", "requests_path"):
        assert getattr(first, name).read_bytes() == getattr(second, name).read_bytes()
    assert first.connections_path.read_bytes() != third.connections_path.read_bytes()
    assert first.users_path.read_bytes() != third.users_path.read_bytes()


def test_pairs_are_unique_ordered_and_never_self():
    seen = set()
    for a, b, _, is_request in generate_pairs(CFG):
        pair = (min(a, b), max(a, b))
        assert a != b
        assert pair not in seen  # a pair is a connection or a request, never both or twice
        seen.add(pair)
        if not is_request:
            assert a < b
        assert 1 <= a <= CFG.users and 1 <= b <= CFG.users


def test_degrees_are_skewed_and_supernodes_are_hubs():
    degree = collections.Counter()
    for a, b, _, is_request in generate_pairs(CFG):
        if not is_request:
            degree[a] += 1
            degree[b] += 1
    mean = sum(degree.values()) / CFG.users
    assert 6 <= mean <= 9  # avg_degree 8 counts requests too (10% of pairs here)
    for hub in supernode_ids(CFG):
        assert degree[hub] > 250  # expected 400 minus the request share
    natural = [d for user, d in degree.items() if user not in supernode_ids(CFG)]
    assert max(natural) > 5 * mean  # a power-law tail even without the supernodes
    median = sorted(natural)[len(natural) // 2]
    assert median < mean


def test_requests_share_is_respected():
    kinds = collections.Counter(is_request for *_, is_request in generate_pairs(CFG))
    share = kinds[True] / (kinds[True] + kinds[False])
    assert 0.07 < share < 0.13


def test_connections_postdate_both_users_joining():
    joined = {u["id"]: u["date_joined"].timestamp() for u in generate_users(CFG)}
    for a, b, created, _ in generate_pairs(CFG):
        assert created >= max(joined[a], joined[b])


def test_users_are_valid_with_unique_usernames():
    schema = UserSchema()
    names = set()
    for user in generate_users(CFG):
        loaded = schema.load(json.loads(user_json(user)))
        assert loaded["id"] == user["id"]
        names.add(loaded["username"])
    assert len(names) == CFG.users


def test_generated_files_read_back_without_bad_rows(tmp_path):
    files = write_import_files(CFG, tmp_path)
    users = list(read_users(files.users_path))
    connections = list(read_connections(files.connections_path))
    requests = list(read_requests(files.requests_path))
    assert len(users) == files.users == CFG.users
    assert len(connections) == files.connections
    assert len(requests) == files.requests
    assert all(isinstance(row, dict) for _, row in users + connections + requests)


def test_demo_community_has_hubs_and_requests():
    assert 1000 <= DEMO.users <= 10_000
    assert DEMO.supernodes >= 1 and DEMO.request_share > 0


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"users": 1}, "--users"),
        ({"avg_degree": 0}, "--avg-degree"),
        ({"exponent": 2.0}, "--exponent"),
        ({"supernodes": 2, "supernode_degree": 0}, "--supernode-degree"),
        ({"supernodes": 10, "supernode_degree": 2999}, r"supernodes \* supernode-degree"),
        ({"request_share": 1.0}, "--request-share"),
    ],
)
def test_impossible_configs_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        GeneratorConfig(**{**CFG.__dict__, **changes}).validate()


@pytest.mark.parametrize("epoch", [0, 951782400, 1451606400, 1709251199, 1767225599])
def test_iso_matches_strftime(epoch):
    import datetime as dt

    from service.ingest.generate import iso

    assert iso(epoch) == dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("degree", [2000, 8000])
def test_supernodes_get_the_connections_they_asked_for(degree):
    # min(1, w·w'/S) clips a supernode's pairs with hubs; its weight compensates (within 5%)
    cfg = GeneratorConfig(users=20000, avg_degree=20, supernodes=3, supernode_degree=degree)
    connections = collections.Counter()
    for a, b, _, is_request in generate_pairs(cfg):
        if not is_request:
            connections[a] += 1
            connections[b] += 1
    for hub in supernode_ids(cfg):
        assert abs(connections[hub] - degree) <= 0.05 * degree
    body = sorted(d for user, d in connections.items() if user not in supernode_ids(cfg))
    assert body[len(body) // 2] < sum(body) / len(body) < body[-1] / 5  # power-law body kept

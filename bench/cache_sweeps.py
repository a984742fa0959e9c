"""bench.cache's two sweeps that are not throughput: suggestions through the cache, and what
the cache server holds per user (the whole graph's memory, from measured entry sizes).

- `suggestion_sweep`: the sweep of issue 18 — random active users, the supernodes and their
  friends — each user's suggestions page 1 (limit 20) on one client, cold (the cache flushed:
  Neo4j computes, the answer fills) and warm (hits): p50/p99/max; and every warm answer checked
  against Neo4j (lifecycle/pair_states): nobody suggested is connected to the user or has a
  request with them.
- `memory_by_kind`: Redis MEMORY USAGE of a sample of every kind of entry (`c:uj:` objects,
  `c:cl:` lists, `c:v:` versions, ...), averaged, so that the memory of the whole graph's page 1
  (every user's list and object) is the sum of measured sizes times its user count, not a
  guess.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict

from bench.toolkit.stats import percentile
from service.graph import cypher

SUGGESTIONS = "/api/v2/suggestion/user/?limit=20"
SWEEP_RANDOM, SWEEP_FRIENDS_PER_SUPERNODE, SUPERNODES = 300, 6, 5
# What page 1 of every user needs: each user's object and list. Versions (`c:v:`) exist only
# for users written since Redis started (docs/cache.md), so they are not counted per user.
KINDS_PER_USER = ("c:uj:", "c:cl:")


def sweep_users(driver, database: str, users: list[int], client) -> dict[str, list[int]]:
    """Random active users, the supernodes, and each supernode's newest friends."""
    records, _, _ = driver.execute_query(
        cypher.query("loadtest/supernodes"), n=SUPERNODES, database_=database
    )
    supernodes = [r["id"] for r in records]
    friends: list[int] = []
    for s in supernodes:
        body = client.get_json(f"/api/v2/user/{s}/connections/?limit={SWEEP_FRIENDS_PER_SUPERNODE}")
        friends += [u["id"] for u in body["results"]]
    rng = random.Random(7)
    return {
        "random": rng.sample(users, min(SWEEP_RANDOM, len(users))),
        "supernodes": supernodes,
        "supernodes' friends": friends,
    }


def suggestion_sweep(client, groups: dict[str, list[int]], token, flush, driver, database) -> dict:
    """Cold then warm passes over every user of `groups`; latencies and the exclusion check."""
    everyone = [u for members in groups.values() for u in members]
    figures: dict = {"users": len(everyone)}
    answers: dict[int, list[int]] = {}
    for phase in ("cold", "warm"):
        if phase == "cold":
            flush()
        times = []
        for user in everyone:
            started = time.perf_counter()
            body = client.get_json(SUGGESTIONS, token(user))
            times.append((time.perf_counter() - started) * 1000)
            answers[user] = [u["id"] for u in body["results"]]
        times.sort()
        figures[phase] = {
            "p50": round(percentile(times, 0.5), 1),
            "p99": round(percentile(times, 0.99), 1),
            "max": round(times[-1], 1),
        }
    figures["related suggested"] = related_suggested(driver, database, answers)
    figures["suggested, total"] = sum(len(ids) for ids in answers.values())
    return figures


def related_suggested(driver, database: str, answers: dict[int, list[int]]) -> int:
    """How many suggested users are connected to their user or have a request with them."""
    bad = 0
    for user, ids in answers.items():
        records, _, _ = driver.execute_query(
            cypher.query("lifecycle/pair_states"),
            viewer_id=user,
            ids=ids,
            with_change=False,
            database_=database,
        )
        bad += sum(1 for r in records if r["connected"] or r["sent"] or r["received"])
    return bad


def memory_by_kind(rclient, per_kind: int = 2000) -> dict[str, dict]:
    """Per key prefix (`c:uj:`, ...): how many keys, and the mean MEMORY USAGE of up to
    `per_kind` of them (SCAN's order: a spread over the keyspace)."""
    sizes: dict[str, list[int]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for key in rclient.scan_iter(match="c:*", count=5000):
        name = key.decode()
        parts = name.split(":")
        kind = ":".join(parts[:2]) + ":" if len(parts) > 2 else name
        counts[kind] += 1
        if len(sizes[kind]) < per_kind:
            sizes[kind].append(rclient.memory_usage(key, samples=0) or 0)
    return {
        kind: {"keys": counts[kind], "mean bytes": round(sum(s) / len(s))}
        for kind, s in sorted(sizes.items())
    }


def whole_graph_bytes(kinds: dict[str, dict], users: int) -> int:
    """Page 1 of every user cached: one object and one list per user."""
    return sum(kinds[k]["mean bytes"] for k in KINDS_PER_USER if k in kinds) * users


def table_rows(figures: dict) -> list[str]:
    """bench.cache's table rows for the sweeps (absent when the run skipped them)."""
    rows = []
    sweep = figures.get("suggestions sweep")
    if sweep:
        cold, warm = sweep["cold"], sweep["warm"]
        rows.append(
            f"| suggestions page 1, one client, {sweep['users']} users ({sweep['groups']}): "
            f"cold / warm p50 / p99 / max | {cold['p50']} / {cold['p99']} / {cold['max']} ms; "
            f"{warm['p50']} / {warm['p99']} / {warm['max']} ms; {sweep['related suggested']} of "
            f"{sweep['suggested, total']:,} suggested users connected or with a request |"
        )
    kinds = figures.get("redis entries")
    if kinds:
        sizes = ", ".join(
            f"`{k}` {v['mean bytes']} B ({v['keys']:,} keys)" for k, v in kinds.items()
        )
        total = figures["whole graph page 1, bytes"]
        rows.append(
            f"| Redis, mean MEMORY USAGE per entry kind | {sizes} |\n"
            f"| Redis for page 1 of every user of the graph (an object and a list per user, "
            f"from the sizes above × {figures['graph users']:,}) | **{total / 2**20:,.0f} MiB** |"
        )
    return rows

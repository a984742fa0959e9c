"""A deterministic, streaming generator of large social graphs with skewed (power-law) degrees.

Connections follow the Chung–Lu model: user u has a weight w(u) (its expected degree) and each
pair {u, v} is connected independently with probability min(1, w(u)·w(v)/S), S = Σw. Weights
follow a power law with exponent `exponent`, and `supernodes` users get `supernode_degree`.
Pairs are drawn with Miller & Hagberg's skipping algorithm ("Efficient generation of networks
with given expected degrees", 2011): O(users + connections) time, each pair considered at most
once — so there are no duplicates to remove — and memory is one float per user, never a list of
connections. Weight ranks map to user ids through a fixed affine permutation, so hubs are spread
over the id range instead of being ids 1, 2, 3...
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import math
import random
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from service.ingest.names import BIOS, CITIES, DESCRIPTIONS, FIRST_NAMES, LAST_NAMES
from service.ingest.rows import CONNECTIONS_HEADER, REQUESTS_HEADER

EPOCH_START = int(dt.datetime(2016, 1, 1, tzinfo=dt.UTC).timestamp())
EPOCH_END = int(dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp())
USERS_FILE, CONNECTIONS_FILE, REQUESTS_FILE = "users.jsonl", "connections.csv", "requests.csv"


@dataclass(frozen=True)
class GeneratorConfig:
    """The knobs of a generated community; the same config and seed give the same files."""

    users: int = 1000
    avg_degree: float = 10.0
    exponent: float = 2.5
    supernodes: int = 0
    supernode_degree: int = 0
    request_share: float = 0.05
    seed: int = 1

    def validate(self) -> None:
        """Raise ValueError with one clear line when the knobs cannot make a graph."""
        if self.users < 2:
            raise ValueError("--users must be at least 2")
        if self.avg_degree <= 0 or self.avg_degree >= self.users - 1:
            raise ValueError(f"--avg-degree must be > 0 and < users - 1 ({self.users - 1})")
        if self.exponent <= 2:
            raise ValueError("--exponent must be > 2 (a power law with a finite mean)")
        if not 0 <= self.supernodes < self.users:
            raise ValueError("--supernodes must be >= 0 and below --users")
        if self.supernodes and not 0 < self.supernode_degree < self.users:
            raise ValueError("--supernode-degree must be > 0 and below --users")
        if self.supernodes * self.supernode_degree >= self.users * self.avg_degree:
            raise ValueError(
                "supernodes * supernode-degree must stay below users * avg-degree "
                "(the supernodes would take every connection)"
            )
        if not 0 <= self.request_share < 1:
            raise ValueError("--request-share must be in [0, 1)")
        if self.supernodes and self.supernode_degree / (1 - self.request_share) > self.users - 1:
            raise ValueError(
                "--supernode-degree / (1 - request-share) must stay below users - 1 "
                "(a supernode's pending requests come on top of its connections)"
            )


def _permutation(n: int, seed: int) -> tuple[int, int]:
    """(multiplier, offset) of an affine bijection rank → id-1 over range(n)."""
    rng = random.Random(f"perm:{seed}")
    multiplier = rng.randrange(1, n) if n > 2 else 1
    while math.gcd(multiplier, n) != 1:
        multiplier += 1
    return multiplier, rng.randrange(n)


def weights(cfg: GeneratorConfig) -> array:
    """Expected degree per weight rank, non-increasing (supernodes first)."""
    n, k = cfg.users, cfg.supernodes
    rest = n - k
    power = -1.0 / (cfg.exponent - 1.0)
    # A structural cut-off: the natural (non-super) hubs stay below sqrt(total), so that
    # w(u)·w(v)/S rarely reaches 1 and the expected degrees hold.
    total_rest = n * cfg.avg_degree - k * cfg.supernode_degree
    cutoff = math.sqrt(n * cfg.avg_degree)
    raw = [(r + 1) ** power for r in range(rest)]
    scale = total_rest / math.fsum(raw)
    for _ in range(3):  # rescale after clipping so the mean stays close to avg_degree
        clipped = math.fsum(min(x * scale, cutoff) for x in raw)
        scale *= total_rest / clipped
    rest_weights = [min(x * scale, cutoff) for x in raw]
    result = array("d", [supernode_weight(cfg, rest_weights)] * k)
    result.extend(rest_weights)
    return result


def supernode_weight(cfg: GeneratorConfig, rest: list[float]) -> float:
    """The weight W that gives each supernode `supernode_degree` expected *connections*.

    A supernode's expected related pairs are Σ_v min(1, W·w(v)/S) with S = k·W + Σrest: the
    min(1, ...) clips every pair with a hub, so W = supernode_degree fell ~16% short at 100k on
    1M users. W is found by bisection; each evaluation is O(log n) over the sorted weights'
    prefix sums. Pending requests are drawn from the same pairs, so the target is scaled by
    1 / (1 - request_share) to leave `supernode_degree` connections.
    """
    k = cfg.supernodes
    if not k:
        return 0.0
    target = cfg.supernode_degree / (1.0 - cfg.request_share)
    ascending = sorted(rest)
    prefix = [0.0, *itertools.accumulate(ascending)]
    rest_total = prefix[-1]

    def expected_pairs(w: float) -> float:
        total = k * w + rest_total
        c = w / total
        # pairs with probability 1 are those with w(v) >= 1/c
        first_full = bisect.bisect_left(ascending, 1.0 / c)
        full = len(ascending) - first_full
        return full + c * prefix[first_full] + (k - 1) * min(1.0, c * w)

    low, high = 0.0, float(cfg.supernode_degree)
    while expected_pairs(high) < target:
        low, high = high, high * 2
        if high > 1e18:
            raise ValueError("--supernode-degree cannot be reached with these users")
    for _ in range(100):
        mid = (low + high) / 2
        if expected_pairs(mid) < target:
            low = mid
        else:
            high = mid
    return high


def joined_at(user_id: int, users: int) -> int:
    """Join time (epoch seconds) as a pure function of the id: later ids joined later."""
    jitter = ((user_id * 2654435761) % 1000) / 1000.0
    return EPOCH_START + int((EPOCH_END - EPOCH_START) * 0.9 * ((user_id - 1 + jitter) / users))


@lru_cache(maxsize=8192)
def _day(days: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=days)).isoformat()


def iso(epoch: int) -> str:
    """`YYYY-MM-DDTHH:MM:SSZ` for epoch seconds; strftime was the generator's hottest call."""
    days, rest = divmod(epoch, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{_day(days)}T{hours:02d}:{minutes:02d}:{seconds:02d}Z"


def generate_pairs(cfg: GeneratorConfig) -> Iterator[tuple[int, int, int, bool]]:
    """(a, b, created_at epoch, is_request) per related pair, each pair once; a request goes a→b."""
    cfg.validate()
    w = weights(cfg)
    n = cfg.users
    total = math.fsum(w)
    multiplier, offset = _permutation(n, cfg.seed)
    rng = random.Random(f"pairs:{cfg.seed}")
    rand, log = rng.random, math.log
    share = cfg.request_share
    joined = array("q", (joined_at(user_id, n) for user_id in range(1, n + 1)))
    for u in range(n - 1):
        wu = w[u] / total
        v = u + 1
        p = min(wu * w[v], 1.0)
        uid = (u * multiplier + offset) % n + 1
        while v < n and p > 0:
            if p != 1.0:
                v += int(log(1.0 - rand()) / log(1.0 - p))
            if v >= n:
                break
            q = min(wu * w[v], 1.0)
            if rand() < q / p:
                vid = (v * multiplier + offset) % n + 1
                start = max(joined[uid - 1], joined[vid - 1])
                created = start + int((EPOCH_END - start) * rand())
                if share and rand() < share:
                    yield (uid, vid, created, True) if rand() < 0.5 else (vid, uid, created, True)
                else:
                    yield (min(uid, vid), max(uid, vid), created, False)
            p = q
            v += 1


def generate_users(cfg: GeneratorConfig) -> Iterator[dict]:
    """Users 1..N shaped like `UserSchema().load()` output (typed values), plus `is_staff`."""
    cfg.validate()
    rng = random.Random(f"users:{cfg.seed}")
    choice, rand = rng.choice, rng.random
    for user_id in range(1, cfg.users + 1):
        first, last = choice(FIRST_NAMES), choice(LAST_NAMES)
        username = f"{first.lower()}_{last.lower()}_{user_id}"
        city, lat_lng = choice(CITIES)
        has_city = rand() < 0.7
        birth = None
        if rand() < 0.8:
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=int(rand() * 21000))
        yield {
            "id": user_id,
            "username": username,
            "real_name": f"{first} {last}",
            "email": f"{username}@example.com",
            "email_isvalid": rand() < 0.9,
            "date_joined": dt.datetime.fromtimestamp(joined_at(user_id, cfg.users), dt.UTC),
            "bio": choice(BIOS) if rand() < 0.4 else "",
            "location": city if has_city else "",
            "location_lat_lng": lat_lng if has_city else "",
            "position_lat_lng": "",
            "date_of_birth": birth,
            "description": choice(DESCRIPTIONS),
            "gender": rng.choices(("Male", "Female", "Unspecified"), (45, 45, 10))[0],
            "status": rng.choices(("a", "b", "d"), (97, 2, 1))[0],
            "website": f"https://{username.replace('_', '-')}.example.com" if rand() < 0.1 else "",
            "avatar": f"https://cdn.example.com/avatars/{user_id}.png" if rand() < 0.6 else None,
            "cover": None,
            "ext_id": 100000 + user_id if rand() < 0.5 else None,
            "tags": [],
            "reputation": int(rng.paretovariate(1.5) * 10) - 10,
            "posts_counter": int(rng.expovariate(1 / 12)),
            "discussions_counter": int(rng.expovariate(1 / 3)),
            "statuses_counter": int(rng.expovariate(1 / 5)),
            "polls_counter": int(rng.expovariate(1 / 0.5)),
            "is_staff": rand() < 0.001,
        }


def user_json(user: dict) -> str:
    """One line of the users import file (the API's field names and formats)."""
    out = dict(user)
    out["date_joined"] = user["date_joined"].strftime("%Y-%m-%dT%H:%M:%SZ")
    out["date_of_birth"] = user["date_of_birth"].isoformat() if user["date_of_birth"] else None
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class GeneratedFiles:
    """Where generated files went (import files, or neo4j-admin CSVs) and their row counts."""

    users_path: Path
    connections_path: Path
    requests_path: Path
    users: int
    connections: int
    requests: int


def write_import_files(cfg: GeneratorConfig, out_dir: Path) -> GeneratedFiles:
    """Write users.jsonl, connections.csv and requests.csv — the files `import` reads."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = out_dir / USERS_FILE, out_dir / CONNECTIONS_FILE, out_dir / REQUESTS_FILE
    users = 0
    with open(paths[0], "w", encoding="utf-8") as handle:
        for user in generate_users(cfg):
            handle.write(user_json(user) + "\n")
            users += 1
    connections, requests = write_pair_files(
        cfg,
        (paths[1], paths[2]),
        (CONNECTIONS_HEADER, REQUESTS_HEADER),
        lambda a, b, at: f"{a},{b},{at}\n",
    )
    return GeneratedFiles(*paths, users, connections, requests)


def write_pair_files(
    cfg: GeneratorConfig,
    paths: tuple[Path, Path],
    headers: tuple[Sequence[str], Sequence[str]],
    connection_rows: Callable[[int, int, str], str],
) -> tuple[int, int]:
    """Write `cfg`'s connections and requests as two CSVs under `headers`: a request is the row
    `from,to,created`, a connection the rows `connection_rows(a, b, created)` makes. The counts
    `(connections, requests)`."""
    connections = requests = 0
    with (
        open(paths[0], "w", encoding="utf-8") as conn,
        open(paths[1], "w", encoding="utf-8") as req,
    ):
        conn.write(",".join(headers[0]) + "\n")
        req.write(",".join(headers[1]) + "\n")
        for a, b, created, is_request in generate_pairs(cfg):
            if is_request:
                req.write(f"{a},{b},{iso(created)}\n")
                requests += 1
            else:
                conn.write(connection_rows(a, b, iso(created)))
                connections += 1
    return connections, requests


def supernode_ids(cfg: GeneratorConfig) -> list[int]:
    """The user ids that got `supernode_degree` as their expected degree."""
    multiplier, offset = _permutation(cfg.users, cfg.seed)
    return [(rank * multiplier + offset) % cfg.users + 1 for rank in range(cfg.supernodes)]


# The community `make run` loads into an empty database: small, but with hubs and requests.
DEMO = GeneratorConfig(
    users=3000,
    avg_degree=8,
    exponent=2.5,
    supernodes=3,
    supernode_degree=600,
    request_share=0.08,
    seed=2024,
)

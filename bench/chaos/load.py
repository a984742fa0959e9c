"""The client side: threads sending the mixed read load, and the lifecycle write phase."""

from __future__ import annotations

import dataclasses
import random
import threading
import time

from bench.chaos.system import COMMUNITY, SECRET
from bench.toolkit.http import call
from service.domain import auth

# The lifecycle write endpoints of issue 10; the write phase runs when they answer.
WRITE_PATHS = {
    "request": "/api/v2/user/{other}/connection/request/",
    "accept": "/api/v2/user/{other}/connection/accept/",
    "remove": "/api/v2/user/{other}/connection/remove/",
}


@dataclasses.dataclass
class Sample:
    started: float  # monotonic
    seconds: float
    outcome: int | str
    kind: str


class Load:
    """Threads sending the mixed read load (and the write phase when it is on) until stopped."""

    def __init__(self, base: str, threads: int = 4, users: int = COMMUNITY.users, writes=None):
        self.base = base
        self.threads = threads
        self.users = users
        self.writes = writes
        self.samples: list[Sample] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []
        self.tokens = {u: auth.mint_token(u, SECRET, ttl_seconds=7200) for u in range(1, 201)}

    def _one(self, rng: random.Random, index: int) -> None:
        if self.writes is not None and rng.random() < 0.3:
            kind, method, path, headers = self.writes.next_call(index)
        else:
            user = rng.randint(1, self.users)
            viewer = rng.randint(1, 200)
            roll = rng.random()
            if roll < 0.6:
                kind, path, headers = "read-anon", f"/api/v2/user/{user}/connections/", {}
            elif roll < 0.9:
                kind = "read-auth"
                path = f"/api/v2/user/{user}/connections/?limit=50"
                headers = {"Authorization": f"Bearer {self.tokens[viewer]}"}
            else:
                kind, path = "suggestions", "/api/v2/suggestion/user/?limit=10"
                headers = {"Authorization": f"Bearer {self.tokens[viewer]}"}
            method = "GET"
        started = time.monotonic()
        reply = call(self.base + path, method, headers)
        outcome, seconds = reply.outcome, reply.seconds
        if self.writes is not None and kind.startswith("write"):
            self.writes.record(index, outcome)
        with self._lock:
            self.samples.append(Sample(started, seconds, outcome, kind))

    def _run(self, index: int) -> None:
        rng = random.Random(index)
        while not self._stop.is_set():
            self._one(rng, index)

    def start(self) -> Load:
        for index in range(self.threads):
            thread = threading.Thread(target=self._run, args=(index,), daemon=True)
            thread.start()
            self._workers.append(thread)
        return self

    def stop(self) -> list[Sample]:
        self._stop.set()
        for thread in self._workers:
            thread.join(timeout=30)
        return sorted(self.samples, key=lambda s: s.started)


class Writes:
    """The lifecycle write phase (issue 10): each thread cycles request → accept → remove over
    its own user pairs, so the last acknowledged step of every pair says what the graph holds."""

    STEPS = ("request", "accept", "remove")

    def __init__(self, threads: int, pairs_per_thread: int = 20, first_user: int = 1001):
        self.pairs = {
            t: [
                (
                    first_user + 2 * (t * pairs_per_thread + i),
                    first_user + 2 * (t * pairs_per_thread + i) + 1,
                )
                for i in range(pairs_per_thread)
            ]
            for t in range(threads)
        }
        self.cursor = dict.fromkeys(self.pairs, 0)
        self.pending: dict[int, tuple] = {}
        # pair -> (last step acknowledged with 2xx, an unacknowledged step came after it)
        self.state: dict[tuple[int, int], tuple[str | None, bool]] = {}
        self.tokens: dict[int, str] = {}
        self.acknowledged = 0

    def _token(self, user: int) -> str:
        if user not in self.tokens:
            self.tokens[user] = auth.mint_token(user, SECRET, ttl_seconds=7200)
        return self.tokens[user]

    def next_call(self, thread: int):
        n = self.cursor[thread]
        pair = self.pairs[thread][n // 3 % len(self.pairs[thread])]
        step = self.STEPS[n % 3]
        a, b = pair
        actor, other = (b, a) if step == "accept" else (a, b)
        self.pending[thread] = (pair, step)
        headers = {"Authorization": f"Bearer {self._token(actor)}"}
        return f"write-{step}", "POST", WRITE_PATHS[step].format(other=other), headers

    def record(self, thread: int, outcome) -> None:
        pair, step = self.pending.pop(thread)
        last, unknown = self.state.get(pair, (None, False))
        if isinstance(outcome, int) and 200 <= outcome < 300:
            self.state[pair] = (step, False)
            self.acknowledged += 1
            self.cursor[thread] += 1
        elif isinstance(outcome, int) and 400 <= outcome < 500:
            self.cursor[thread] += 1  # refused: nothing changed; move on
        else:
            self.state[pair] = (last, True)  # 503 or dropped: it may or may not have applied

    def missing_writes(self, driver, database: str) -> list[str]:
        """Pairs whose last acknowledged step is not what the graph holds."""
        wrong = []
        for (a, b), (step, unknown) in sorted(self.state.items()):
            if step is None or unknown:
                continue
            records, _, _ = driver.execute_query(
                "MATCH (a:User {id: $a}), (b:User {id: $b}) "
                "RETURN EXISTS { (a)-[:CONNECTED_TO]->(b) } AS connected, "
                "EXISTS { (a)-[:CONNECTION_REQUEST]->(b) } AS requested",
                a=a,
                b=b,
                database_=database,
            )
            row = records[0] if records else {"connected": False, "requested": False}
            expected = {
                "request": (False, True),
                "accept": (True, False),
                "remove": (False, False),
            }[step]
            if (row["connected"], row["requested"]) != expected:
                wrong.append(f"{a}->{b} after {step}: graph has {dict(row)}")
        return wrong


def write_phase_available(base: str) -> tuple[bool, str]:
    """The issue-10 endpoints answer (anything but 404/405)?"""
    token = auth.mint_token(1, SECRET, ttl_seconds=60)
    outcome = call(
        base + WRITE_PATHS["request"].format(other=2), "POST", {"Authorization": f"Bearer {token}"}
    ).outcome
    if outcome in (404, 405):
        return (
            False,
            f"skipped: POST {WRITE_PATHS['request']} answers {outcome} (issue 10 not merged)",
        )
    return True, f"on: POST {WRITE_PATHS['request']} answered {outcome}"

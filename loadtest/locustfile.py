"""Locust scenarios against a running service; driven headless by `loadtest/run.py`.

The runner samples users (ids, degrees, supernodes) and mints tokens once, into the JSON file
named by LOADTEST_SAMPLE, so every Locust process works from the same data without touching Neo4j.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from locust import HttpUser, constant, task

SAMPLE = json.loads(Path(os.environ["LOADTEST_SAMPLE"]).read_text())
USERS = SAMPLE["users"]  # [{"id": .., "degree": ..}, ...]
SUPERNODES = SAMPLE["supernodes"] or USERS  # highest degrees first
TOKENS = SAMPLE["tokens"]  # bearer tokens of sampled active users
WEIGHTS = [max(u["degree"], 1) for u in USERS]
PATH = "/api/v2/user/{}/connections/"


class _Base(HttpUser):
    abstract = True
    wait_time = constant(0)

    def page(self, user_id: int, name: str, token: str | None = None, **params):
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        with self.client.get(
            PATH.format(user_id),
            params=params or None,
            headers=headers,
            name=name,
            catch_response=True,
        ) as resp:
            if resp.status_code != 200:
                resp.failure(f"HTTP {resp.status_code}")
                return None
            body = resp.json()
            if "results" not in body:
                resp.failure("no results in body")
                return None
            return body


class FirstPageUniform(_Base):
    """(1a) First page of a uniformly random user."""

    @task
    def first_page(self):
        self.page(random.choice(USERS)["id"], "first page [uniform]")


class FirstPageDegreeWeighted(_Base):
    """(1b) First page of a user picked in proportion to degree (popular users are hit more)."""

    @task
    def first_page(self):
        user = random.choices(USERS, weights=WEIGHTS, k=1)[0]
        self.page(user["id"], "first page [degree-weighted]")


class PageThrough(_Base):
    """(2) A client paging through a whole list by following `next`, 100 at a time."""

    @task
    def page_through(self):
        user = random.choice(USERS)
        body = self.page(user["id"], "page-through", limit=100)
        while body and body.get("next"):
            with self.client.get(body["next"], name="page-through", catch_response=True) as resp:
                if resp.status_code != 200:
                    resp.failure(f"HTTP {resp.status_code}")
                    return
                body = resp.json()


class SupernodeDeepOffset(_Base):
    """(3) Pages at random (deep) offsets of the most connected users."""

    @task
    def deep_page(self):
        node = random.choice(SUPERNODES)
        offset = random.randrange(max(node["degree"], 1))
        self.page(node["id"], "supernode deep offset", limit=20, offset=offset)


class Authenticated(_Base):
    """(4a) First pages as a signed-in user: connection_status is computed per result."""

    @task
    def first_page(self):
        self.page(
            random.choice(USERS)["id"], "first page [authenticated]", token=random.choice(TOKENS)
        )


class Anonymous(_Base):
    """(4b) The same requests without a token, for comparison with (4a)."""

    @task
    def first_page(self):
        self.page(random.choice(USERS)["id"], "first page [anonymous]")


class MixedReadWrite(_Base):
    """(5) Connection lifecycle writes while others page: request -> accept -> remove cycles
    between random sampled users (1 in 4 tasks), authenticated first pages otherwise.

    A cycle only removes the connection it made (never an imported one). A 400 is a legal
    answer under concurrency (another Locust user changed the pair first), not an error.
    """

    def act(self, actor: int, action: str, other: int) -> str | None:
        headers = {"Accept": "application/json", "Authorization": f"Bearer {TOKENS[actor]}"}
        url = f"/api/v2/user/{USERS[other]['id']}/connection/{action}/"
        with self.client.post(
            url, headers=headers, name=f"write {action}", catch_response=True
        ) as resp:
            if resp.status_code == 400:
                resp.success()
                return "refused"
            if resp.status_code != 200:
                resp.failure(f"HTTP {resp.status_code}")
                return None
            return resp.json()["connection_status"]

    @task(1)
    def cycle(self):
        a, b = random.sample(range(len(TOKENS)), 2)
        if self.act(a, "request", b) != "sent_connection_request":
            return  # already connected or requested: leave the pair as it is
        if self.act(b, "accept", a) == "connected":
            self.act(a, "remove", b)

    @task(3)
    def read(self):
        self.page(
            random.choice(USERS)["id"], "first page [during writes]", token=random.choice(TOKENS)
        )


SCENARIOS = {
    "first-page-uniform": FirstPageUniform,
    "first-page-degree-weighted": FirstPageDegreeWeighted,
    "page-through": PageThrough,
    "supernode-deep-offset": SupernodeDeepOffset,
    "authenticated": Authenticated,
    "anonymous": Anonymous,
    "mixed-read-write": MixedReadWrite,
}

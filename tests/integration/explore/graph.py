"""The explorer's known small graph, shared by its integration and browser tests."""

from __future__ import annotations

import datetime as dt

from tests.integration.seed import BASE, connect, create_users, user_props

# Connections in creation order (the later, the newer). User 12 has none; 13 is inactive.
EDGES = [
    (1, 2),
    (1, 3),
    (1, 4),
    (1, 5),
    (2, 3),
    (3, 4),
    (2, 6),
    (3, 6),
    (6, 7),
    (7, 8),
    (5, 9),
    (9, 10),
    (10, 11),
    (13, 8),
]
ACTIVE = list(range(1, 13))
INACTIVE = 13


def seed(driver, database: str) -> None:
    """The users and EDGES, through the importer's own connection query."""
    users = [user_props(i) for i in ACTIVE] + [user_props(INACTIVE, status="b")]
    users[0]["pagerank"] = 0.25
    users[0]["community_id"] = 7
    create_users(driver, database, users)
    connect(
        driver, database, [(a, b, BASE + dt.timedelta(minutes=i)) for i, (a, b) in enumerate(EDGES)]
    )


def neighbours(user_id: int) -> set[int]:
    return {b for a, b in EDGES if a == user_id} | {a for a, b in EDGES if b == user_id}


def edges_among(ids: set[int]) -> set[tuple[int, int]]:
    """The ground truth: every connection with both ends in `ids`, as (low, high)."""
    return {(min(a, b), max(a, b)) for a, b in EDGES if a in ids and b in ids}

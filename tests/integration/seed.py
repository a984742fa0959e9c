"""Small seeding helpers for integration tests (the importer is tested on its own)."""

from __future__ import annotations

import datetime as dt
import json

from service.domain.users import search_key
from service.graph import cypher

UTC = dt.UTC
BASE = dt.datetime(2024, 1, 1, tzinfo=UTC)


def user_props(user_id: int, **overrides) -> dict:
    """A complete :User property map as the shared graph model stores it."""
    props = {
        "id": user_id,
        "username": f"user{user_id}",
        "real_name": f"User {user_id}",
        "email": f"user{user_id}@example.com",
        "email_isvalid": True,
        "date_joined": BASE + dt.timedelta(days=user_id),
        "bio": "bio",
        "location": "Rome",
        "location_lat_lng": "41.9,12.5",
        "position_lat_lng": "41.9,12.5",
        "date_of_birth": dt.date(1990, 1, 1 + user_id % 28),
        "description": "desc",
        "gender": "Female",
        "status": "a",
        "website": "https://example.com",
        "avatar": f"https://cdn.example.com/{user_id}.png",
        "cover": None,
        "ext_id": 1000 + user_id,
        "tags_json": json.dumps([{"id": 1, "name": "tag"}]),
        "reputation": 7,
        "posts_counter": 1,
        "discussions_counter": 2,
        "statuses_counter": 3,
        "polls_counter": 4,
        "is_staff": False,
    }
    props.update(overrides)
    props.setdefault("username_key", search_key(props["username"]))
    return {k: v for k, v in props.items() if v is not None}


def create_users(driver, database: str, users: list[dict]) -> None:
    driver.execute_query(
        "UNWIND $rows AS row CREATE (u:User) SET u = row", rows=users, database_=database
    )


def connect_pairs(driver, database: str, pairs) -> None:
    """Connections `(a, b, created_at or None)`, written by the importer's own query."""
    rows = [{"a": min(a, b), "b": max(a, b), "created_at": at} for a, b, at in pairs]
    driver.execute_query(cypher.query("ingest/merge_connections"), rows=rows, database_=database)


def connect(driver, database: str, pairs: list[tuple[int, int, dt.datetime]]) -> None:
    """Connections with explicit dates (see connect_pairs)."""
    connect_pairs(driver, database, pairs)


def request(driver, database: str, pairs: list[tuple[int, int]]) -> None:
    """Pending CONNECTION_REQUEST from -> to."""
    driver.execute_query(
        "UNWIND $rows AS row MATCH (a:User {id: row[0]}), (b:User {id: row[1]}) "
        "CREATE (a)-[:CONNECTION_REQUEST {created_at: datetime()}]->(b)",
        rows=[list(p) for p in pairs],
        database_=database,
    )


def reject(driver, database: str, pairs: list[tuple[int, int]]) -> None:
    """Mark the requests from -> to as rejected by their receiver (issue 10's model)."""
    driver.execute_query(
        "UNWIND $rows AS row MATCH (:User {id: row[0]})-[r:CONNECTION_REQUEST]->(:User {id: row[1]}) "
        "SET r.rejected = true",
        rows=[list(p) for p in pairs],
        database_=database,
    )

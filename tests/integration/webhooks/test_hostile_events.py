"""Webhooks in, from a hostile sender: every input gets a 4xx, and user events lose no data."""

from __future__ import annotations

import time

import pytest

from service.webhooks import signature
from tests.integration.webhooks.test_inbound import (
    PATH,
    SECRET,
    T,
    client,  # noqa: F401 (fixture)
    event,
    post,
    stored,
    user,
)

HOSTILE_HEADERS = [
    f"t={int(time.time())},v1=é",
    "t=1" + "0" * 400 + ",v1=" + "0" * 64,
    "t=" + "9" * 5000 + ",v1=" + "0" * 64,
    f"t={int(time.time())},v1=" + "0" * 63,
]


@pytest.mark.parametrize("header", HOSTILE_HEADERS)
def test_a_malformed_signature_is_401_json_not_500(client, header):  # noqa: F811
    resp = post(client, event(1, "user.created", user(7)), header=header)
    assert resp.status_code == 401, resp.text
    assert "Malformed" in resp.json["detail"]


@pytest.mark.parametrize(
    "created", [1e300, -1, 10**30, time.time() + 3600, "1700000000", None, True]
)
def test_an_extreme_created_is_400(client, created):  # noqa: F811
    resp = post(client, event(1, "connection.created", {}, created=created))
    assert resp.status_code == 400, resp.text
    assert "created" in resp.json["detail"]


@pytest.mark.parametrize(
    "date_joined",
    ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+01:00", "2200-01-01T00:00:00Z"],
)
def test_an_extreme_date_joined_is_400_naming_it(client, date_joined):  # noqa: F811
    resp = post(client, event(1, "user.created", user(7, date_joined=date_joined)))
    assert resp.status_code == 400, resp.text
    assert "date_joined" in resp.json["detail"]


def test_a_future_created_cannot_make_the_pairs_real_events_stale(client, clean_db, neo4j_settings):  # noqa: F811
    ahead = post(
        client,
        event(
            1,
            "connection_request.created",
            {"from_user": user(1), "to_user": user(2)},
            time.time() + 86400,
        ),
    )
    assert ahead.status_code == 400
    real = post(
        client,
        event(2, "connection_request.created", {"from_user": user(1), "to_user": user(2)}, T),
    )
    assert real.json["status"] == "applied"


def test_staff_keeps_is_staff_through_100_updates(client, clean_db, neo4j_settings):  # noqa: F811
    db = neo4j_settings.neo4j_database
    assert post(client, event(1, "user.created", user(7))).json == {"status": "applied"}
    assert stored(clean_db, db, 7)["is_staff"] is False
    clean_db.execute_query("MATCH (u:User {id: 7}) SET u.is_staff = true", database_=db)
    for n in range(100):
        body = event(10 + n, "user.updated", user(7, bio=f"bio {n}"), T + 1 + n)
        assert post(client, body).json == {"status": "applied"}
    after = stored(clean_db, db, 7)
    assert after["is_staff"] is True and after["bio"] == "bio 99"


def test_a_payload_missing_fields_leaves_them_unchanged(client, clean_db, neo4j_settings):  # noqa: F811
    db = neo4j_settings.neo4j_database
    full = user(7, bio="kept", location="Rome", website="https://kept.example", tags=[{"id": 1}])
    assert post(client, event(1, "user.created", full)).json == {"status": "applied"}
    before = stored(clean_db, db, 7)
    partial = {"id": 7, "username": "sc7", "real_name": "Renamed"}
    assert post(client, event(2, "user.updated", partial, T + 1)).json == {"status": "applied"}
    after = stored(clean_db, db, 7)
    assert after["real_name"] == "Renamed"
    for name in ("bio", "location", "website", "email", "tags_json", "date_joined", "gender"):
        assert after[name] == before[name], name


def test_a_partial_payload_creates_a_complete_user(client, clean_db, neo4j_settings):  # noqa: F811
    db = neo4j_settings.neo4j_database
    resp = post(client, event(1, "user.created", {"id": 8, "username": "sc8"}))
    assert resp.json == {"status": "applied"}
    row = stored(clean_db, db, 8)
    assert row["is_staff"] is False and row["gender"] == "Unspecified" and row["bio"] == ""


def test_the_signature_is_checked_on_the_exact_bytes(client):  # noqa: F811
    body = event(1, "user.created", user(7))
    header = signature.sign(SECRET, body)
    resp = client.simulate_post(PATH, body=body + b" ", headers={"SelfCommunity-Signature": header})
    assert resp.status_code == 401

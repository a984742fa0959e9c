"""An independent model of issue 10's connection rules, written from the issue's text.

It deliberately shares no code with service.domain.lifecycle: the property test and the
concurrency test compare the service against it. A pair's state is None, CONNECTED, or
Request(sender, receiver, rejected).
"""

from __future__ import annotations

from dataclasses import dataclass

CONNECTED = "connected"


@dataclass(frozen=True)
class Request:
    sender: int
    receiver: int
    rejected: bool = False


@dataclass(frozen=True)
class Step:
    state: object
    code: int
    status: str | None  # the answer's connection_status (None for 204 and 400)
    event: tuple[str, int, int] | None  # (type, from, to)


def path(action: str, other: int) -> str:
    """The endpoint the actor POSTs `action` on the pair with `other` to."""
    if action == "mark_seen":
        return f"/api/v2/user/{other}/connection_requests/mark_seen/"
    return f"/api/v2/user/{other}/connection/{action}/"


def status(state, viewer: int, other: int) -> str | None:
    """connection_status of `other` as `viewer` sees it."""
    if state == CONNECTED:
        return "connected"
    if isinstance(state, Request):
        if state.sender == viewer:
            return "sent_connection_request"  # rejected or not: the sender is never told
        return None if state.rejected else "received_connection_request"
    return None


def step(state, actor: int, other: int, action: str) -> Step:
    """What the service must do when `actor` does `action` to `other` in `state`."""

    def ok(new_state, event=None, code=200):
        answer = status(new_state, actor, other) if code == 200 else None
        return Step(new_state, code, answer, event)

    def refused():
        return Step(state, 400, None, None)

    mine = isinstance(state, Request) and state.sender == actor
    theirs = isinstance(state, Request) and state.sender == other
    if action == "request":
        if state is None:
            return ok(Request(actor, other), ("connection_request.created", actor, other))
        if theirs:
            return ok(CONNECTED, ("connection.created", other, actor))
        return ok(state)
    if action == "accept":
        if theirs:
            return ok(CONNECTED, ("connection.created", other, actor))
        return ok(state) if state == CONNECTED else refused()
    if action == "reject":
        if theirs and not state.rejected:
            return ok(Request(other, actor, True), ("connection_request.rejected", other, actor))
        return ok(state) if theirs else refused()
    if action == "cancel_reject":
        if theirs and state.rejected:
            return ok(Request(other, actor, False), ("connection_request.restored", other, actor))
        return ok(state) if theirs else refused()
    if action == "cancel_request":
        if mine:
            return ok(None, ("connection_request.cancelled", actor, other))
        return ok(state)
    if action == "remove":
        if state == CONNECTED:
            return ok(None, ("connection.deleted", actor, other))
        return ok(state)
    if action == "mark_seen":
        return ok(state, code=204) if theirs else refused()
    raise ValueError(action)


def replay(state, event_type: str, from_id: int, to_id: int):
    """The state after a logged event; AssertionError when the event could not have happened."""
    if event_type == "connection_request.created":
        assert state is None, (state, event_type)
        return Request(from_id, to_id)
    if event_type == "connection_request.rejected":
        assert state == Request(from_id, to_id, False), (state, event_type)
        return Request(from_id, to_id, True)
    if event_type == "connection_request.restored":
        assert state == Request(from_id, to_id, True), (state, event_type)
        return Request(from_id, to_id, False)
    if event_type == "connection_request.cancelled":
        assert isinstance(state, Request) and state.sender == from_id, (state, event_type)
        return None
    if event_type == "connection.created":
        assert isinstance(state, Request) and state.sender == from_id, (state, event_type)
        return CONNECTED
    if event_type == "connection.deleted":
        assert state == CONNECTED, (state, event_type)
        return None
    raise AssertionError(f"unknown event type {event_type}")


GRAPH_STATE_QUERY = """
MATCH (a:User), (b:User) WHERE a.id < b.id
RETURN a.id AS a, b.id AS b,
       COUNT { (a)-[:CONNECTED_TO]->(b) } AS ab, COUNT { (b)-[:CONNECTED_TO]->(a) } AS ba,
       [(a)-[r:CONNECTION_REQUEST]->(b) | r.rejected IS NOT NULL] AS a_to_b,
       [(b)-[r:CONNECTION_REQUEST]->(a) | r.rejected IS NOT NULL] AS b_to_a
"""


def graph_states(driver, database: str) -> dict[tuple[int, int], object]:
    """Tests only: every pair's state as read straight from the graph, checking the invariants.

    Never a connection plus a request, never one direction of a connection without the other,
    never more than one request per pair.
    """
    states = {}
    for row in driver.execute_query(GRAPH_STATE_QUERY, database_=database).records:
        a, b = row["a"], row["b"]
        assert row["ab"] == row["ba"] <= 1, f"half-written or duplicate connection {a}-{b}"
        requests = [(a, b, r) for r in row["a_to_b"]] + [(b, a, r) for r in row["b_to_a"]]
        assert len(requests) + row["ab"] <= 1, f"pair {a}-{b}: {row['ab']} connection, {requests}"
        if row["ab"]:
            states[(a, b)] = CONNECTED
        elif requests:
            states[(a, b)] = Request(*requests[0])
    return states


def replayed_event_log(driver, database: str) -> dict[tuple[int, int], object]:
    """The state per pair the event log replays to; asserts the log is gap-free from 1."""
    rows = driver.execute_query(
        "MATCH (e:Event) RETURN e.id AS id, e.type AS type, e.from_user_id AS f, "
        "e.to_user_id AS t ORDER BY e.id",
        database_=database,
    ).records
    assert [r["id"] for r in rows] == list(range(1, len(rows) + 1))
    replayed: dict = {}
    for r in rows:
        pair = (min(r["f"], r["t"]), max(r["f"], r["t"]))
        replayed[pair] = replay(replayed.get(pair), r["type"], r["f"], r["t"])
    return {p: s for p, s in replayed.items() if s is not None}

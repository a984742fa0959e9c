"""A user's encoded JSON, rendered for a viewer, is byte for byte the dumped row they would see."""

import datetime as dt

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.schemas import UserSchema, compile_dumper
from service.domain.user_json import UserJson, encode_user, status_json, user_row
from tests.unit.domain.test_compiled_dumper import rows

DUMP = compile_dumper(UserSchema())
STATUSES = st.sampled_from([None, "connected", "sent_connection_request"])


def as_seen(row: dict, status: str | None, show_private: bool) -> bytes:
    """What the API sent before pages were spliced: the row, hidden fields nulled, dumped."""
    seen = {**row, "connection_status": status}
    if not show_private:
        seen.update(email=None, email_isvalid=None)
    return orjson.dumps(DUMP([seen])[0])


@settings(max_examples=400, deadline=None)
@given(rows, STATUSES, st.booleans())
def test_render_is_the_dumped_row_as_the_viewer_sees_it(row, status, show_private):
    row = {**row, "id": 7}
    # The object is viewer-independent: whatever status the row was read with is not kept.
    user = encode_user({**row, "connection_status": "received_connection_request"})
    assert user.render(status_json(status), show_private) == as_seen(row, status, show_private)
    assert UserJson.from_bytes(7, user.to_bytes()) == user


def test_values_that_look_like_the_cut_points_stay_values():
    row = {
        "id": 3,
        "username": "u",
        "real_name": 'a\x00b ,"email":"x"',  # a NUL and a fake key inside a string
        "email": "u@example.com",
        "email_isvalid": True,
        "tags": [{"email": "t@example.com", "connection_status": "connected"}],
        "date_joined": dt.datetime(2020, 1, 2, tzinfo=dt.UTC),
        "date_of_birth": dt.date(1990, 5, 6),
        "connections_counter": 4,
        "connection_status": None,
    }
    user = UserJson.from_bytes(3, encode_user(row).to_bytes())
    for show_private in (True, False):
        assert user.render(b'"connected"', show_private) == as_seen(row, "connected", show_private)
    hidden = orjson.loads(user.render(b"null", False))
    assert hidden["email"] is None and hidden["email_isvalid"] is None
    assert hidden["tags"] == row["tags"] and hidden["real_name"] == row["real_name"]


def test_user_row_is_the_owners_view_in_dumped_form():
    row = {"id": 5, "username": "five", "email": "f@example.com", "connections_counter": 1}
    got = user_row(encode_user(row), "connected")
    assert got == {**DUMP([row])[0], "connection_status": "connected"}
    assert got["email"] == "f@example.com"

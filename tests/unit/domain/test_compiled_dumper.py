"""The compiled User dumper is Marshmallow's UserSchema dump, only faster: equal on any row."""

import datetime as dt

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.schemas import UserSchema, compile_dumper

SCHEMA = UserSchema()
DUMP = compile_dumper(SCHEMA)
NAMES = list(SCHEMA.dump_fields)


def typed_value(name):
    field = SCHEMA.dump_fields[name]
    kind = type(field).__name__
    if kind == "UtcDateTime":
        return st.one_of(st.none(), st.datetimes(timezones=st.just(dt.UTC)), st.datetimes())
    if kind == "Date":
        return st.one_of(st.none(), st.dates())
    if kind in ("Integer",):
        return st.one_of(st.none(), st.integers(-(10**6), 10**6), st.booleans())
    if kind == "Boolean":
        return st.one_of(st.none(), st.booleans(), st.integers(0, 1))
    if kind == "List":
        return st.lists(
            st.one_of(st.text(max_size=4), st.integers(-(2**63), 2**63 - 1)), max_size=3
        )
    return st.one_of(st.none(), st.text(max_size=8), st.integers(0, 99))


rows = st.fixed_dictionaries({}, optional={name: typed_value(name) for name in NAMES})


@settings(max_examples=400, deadline=None)
@given(st.lists(rows, max_size=4))
def test_equal_to_marshmallow_on_any_rows(batch):
    # Compare what the client receives: as dicts, True == 1 would hide a wrong type.
    assert orjson.dumps(DUMP(batch)) == orjson.dumps(SCHEMA.dump(batch, many=True))


def test_key_order_and_defaults_match_the_schema():
    row = {
        "id": 1,
        "username": "a",
        "connections_counter": 3,
        "tags": ["x"],
        "date_joined": dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
    }
    [dumped] = DUMP([row])
    assert list(dumped) == list(SCHEMA.dump(row))
    assert dumped["date_joined"] == "2020-01-02T03:04:05Z"
    assert dumped["gender"] == "Unspecified" and dumped["tags"] == ["x"]
    assert "connection_requests_sent_counter" not in dumped  # no default: absent, as Marshmallow

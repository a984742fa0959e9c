"""The limit/offset schema: DRF's defaults and capping, and 400s for everything else."""

import pytest
from marshmallow import ValidationError

from service.api.schemas import ConnectionsQuerySchema
from service.domain.schemas import MAX_INT64, UserSchema

schema = ConnectionsQuerySchema(default_limit=20, max_limit=100)


@pytest.mark.parametrize(
    "params,expected",
    [
        ({}, {"limit": 20, "offset": 0}),
        ({"limit": "5", "offset": "10"}, {"limit": 5, "offset": 10}),
        ({"limit": "100"}, {"limit": 100, "offset": 0}),
        ({"limit": "101"}, {"limit": 100, "offset": 0}),
        ({"limit": "9" * 40}, {"limit": 100, "offset": 0}),
        ({"limit": ["3", "7"]}, {"limit": 7, "offset": 0}),  # last value wins, like QueryDict
        ({"offset": str(MAX_INT64)}, {"limit": 20, "offset": MAX_INT64}),
        ({"foo": "bar"}, {"limit": 20, "offset": 0}),
    ],
)
def test_valid(params, expected):
    assert schema.load(params) == expected


@pytest.mark.parametrize(
    "params,field",
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"limit": ""}, "limit"),
        ({"limit": " 5"}, "limit"),
        ({"limit": "+5"}, "limit"),
        ({"limit": "٣"}, "limit"),
        ({"limit": "1_0"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": str(MAX_INT64 + 1)}, "offset"),
        ({"offset": "9" * 5000}, "offset"),
    ],
)
def test_invalid_names_the_parameter(params, field):
    with pytest.raises(ValidationError) as info:
        schema.load(params)
    assert list(info.value.messages) == [field]


def test_messages_say_what_is_allowed():
    with pytest.raises(ValidationError) as info:
        schema.load({"limit": "0", "offset": "x"})
    assert info.value.messages == {
        "limit": ["Must be a positive integer (1 or more)."],
        "offset": [f"Must be an integer from 0 to {MAX_INT64}."],
    }


def test_configured_default_and_maximum():
    custom = ConnectionsQuerySchema(default_limit=5, max_limit=10)
    assert custom.load({}) == {"limit": 5, "offset": 0}
    assert custom.load({"limit": "50"})["limit"] == 10


def test_user_dump_always_has_every_field():
    dumped = UserSchema().dump({"id": 1, "username": "a"})
    assert dumped["date_of_birth"] is None and dumped["tags"] == []
    assert dumped["connection_status"] is None and dumped["gender"] == "Unspecified"

"""One user-id range: positive and within Neo4j's 64-bit integers, everywhere it is checked."""

import pytest
from marshmallow import ValidationError

from service.domain.schemas import MAX_INT64, USER_ID_RANGE, is_user_id


@pytest.mark.parametrize("value", [1, 2, 2**63 - 1])
def test_ids_in_range(value):
    assert is_user_id(value)
    assert USER_ID_RANGE(value) == value


@pytest.mark.parametrize("value", [0, -1, 2**63, -(2**63)])
def test_ids_out_of_range(value):
    assert not is_user_id(value)
    with pytest.raises(ValidationError):
        USER_ID_RANGE(value)


def test_the_range_is_neo4js_integer():
    assert MAX_INT64 == 9_223_372_036_854_775_807

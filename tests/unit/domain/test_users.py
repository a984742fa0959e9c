import pytest

from service.domain.schemas import UserSchema, compile_dumper
from service.domain.users import InvalidUser, stored_user


@pytest.mark.parametrize("ext_id", [3, "3", "crm-000123", None])
def test_ext_id_may_be_an_integer_or_a_string(ext_id):
    row = stored_user({"id": 1, "username": "ann", "ext_id": ext_id})
    assert row["props"]["ext_id"] == ext_id
    dumped = compile_dumper(UserSchema())([{"id": 1, "username": "ann", "ext_id": ext_id}])
    assert dumped[0]["ext_id"] == ext_id == UserSchema().dump({"id": 1, "ext_id": ext_id})["ext_id"]


@pytest.mark.parametrize("ext_id", [True, 1.5, [], {}, "x" * 256, 2**63])
def test_other_ext_ids_name_the_field(ext_id):
    with pytest.raises(InvalidUser) as caught:
        stored_user({"id": 1, "username": "ann", "ext_id": ext_id})
    assert caught.value.field == "ext_id"


def test_counters_in_a_payload_are_ignored_and_is_staff_defaults_to_false():
    row = stored_user({"id": 2, "username": "bo", "connections_counter": 99})
    assert "connections_counter" not in row["props"] and row["props"]["is_staff"] is False


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ([], "-"),
        ({"username": "x"}, "id"),
        ({"id": 1, "username": "a b"}, "username"),
        ({"id": 1, "username": "a", "is_staff": "yes"}, "is_staff"),
    ],
)
def test_invalid_users_name_the_first_bad_field(raw, field):
    with pytest.raises(InvalidUser) as caught:
        stored_user(raw)
    assert caught.value.field == field


def test_every_write_path_stores_the_lower_cased_search_key():
    # The importer's and the webhook receiver's rows, and the bulk loader's CSV columns.
    from service.domain.users import event_user
    from service.ingest.bulk import USER_COLUMNS
    from service.ingest.restoring import user_row

    assert stored_user({"id": 1, "username": "Ann_B"})["props"]["username_key"] == "ann_b"
    assert event_user({"id": 1, "username": "Ann_B"})["props"]["username_key"] == "ann_b"
    restored = user_row({"id": 1, "username": "Ann_B", "date_joined": None, "ext_id": None})
    assert restored["props"]["username_key"] == "ann_b"
    stored = set(stored_user({"id": 1, "username": "a"})["props"]) | {"date_joined"}
    assert stored == {name for name, _ in USER_COLUMNS}

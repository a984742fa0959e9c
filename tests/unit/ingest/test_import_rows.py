"""Import files are read and validated row by row; bad rows name file, line and field."""

import datetime as dt
import json

import pytest

from service.ingest.rows import BadRow, read_connections, read_requests, read_users


def users_file(tmp_path, *lines):
    path = tmp_path / "users.jsonl"
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    )
    return path


def csv_file(tmp_path, text):
    path = tmp_path / "rows.csv"
    path.write_text(text)
    return path


def only_bad(rows):
    bad = [row for _, row in rows if isinstance(row, BadRow)]
    assert len(bad) == 1
    return bad[0]


def test_user_row_becomes_stored_properties(tmp_path):
    path = users_file(
        tmp_path,
        {
            "id": 7,
            "username": "ann",
            "tags": [{"id": 1, "name": "x"}],
            "date_of_birth": "1990-01-02",
            "is_staff": True,
        },
    )
    [(line, row)] = list(read_users(path))
    assert line == 1 and row["id"] == 7 and row["date_joined"] is None
    props = row["props"]
    assert props["tags_json"] == '[{"id":1,"name":"x"}]'
    assert props["date_of_birth"] == dt.date(1990, 1, 2)
    assert props["is_staff"] is True
    assert props["gender"] == "Unspecified" and props["status"] == "a"  # the API's defaults
    assert "tags" not in props and "id" not in props


@pytest.mark.parametrize(
    "line, field",
    [
        ({"id": "7", "username": "ann"}, "id"),  # wrong type: ids are JSON integers
        ({"id": 7}, "username"),  # required
        ({"id": 7, "username": "ann", "gender": "Other"}, "gender"),  # unknown enum
        ({"id": 7, "username": "ann", "status": "x"}, "status"),
        ({"id": 7, "username": "ann", "date_joined": "yesterday"}, "date_joined"),
        ({"id": 7, "username": "ann", "is_staff": "yes"}, "is_staff"),
        ({"id": 7, "username": "has space"}, "username"),
        ("{not json", "-"),
        ("[1, 2]", "-"),
    ],
)
def test_bad_user_rows_name_file_line_and_field(tmp_path, line, field):
    path = users_file(tmp_path, {"id": 1, "username": "ok"}, line)
    bad = only_bad(read_users(path))
    assert (bad.path, bad.line, bad.field) == (path, 2, field)
    assert bad.describe().startswith(f"{path}:2: field '{field}': ")


def test_connection_rows_are_ordered_pairs(tmp_path):
    path = csv_file(tmp_path, "user_id,other_id,created_at\n5,2,2020-01-01T10:00:00+02:00\n2,9,\n")
    rows = [row for _, row in read_connections(path)]
    assert rows[0] == {"a": 2, "b": 5, "created_at": dt.datetime(2020, 1, 1, 8, tzinfo=dt.UTC)}
    assert rows[1] == {"a": 2, "b": 9, "created_at": None}


def test_header_without_created_at_is_accepted(tmp_path):
    path = csv_file(tmp_path, "user_id,other_id\n1,2\n")
    assert [row for _, row in read_connections(path)] == [{"a": 1, "b": 2, "created_at": None}]


@pytest.mark.parametrize(
    "text, line, field",
    [
        ("user_id,other_id,created_at\n1,2,\n3,3,\n", 3, "other_id"),  # self-connection
        ("user_id,other_id,created_at\n1,x,\n", 2, "other_id"),  # wrong type
        ("user_id,other_id,created_at\n1,0,\n", 2, "other_id"),  # ids start at 1
        ("user_id,other_id,created_at\n1,2,soon\n", 2, "created_at"),
        ("user_id,other_id,created_at\n1,2,,4\n", 2, "-"),  # wrong column count
        ("user_id,other_id,created_at\n,2,\n", 2, "user_id"),  # missing
        ("a,b,c\n1,2,\n", 1, "-"),  # wrong header
    ],
)
def test_bad_connection_rows(tmp_path, text, line, field):
    bad = only_bad(read_connections(csv_file(tmp_path, text)))
    assert (bad.line, bad.field) == (line, field)


def test_request_rows_keep_their_direction_and_refuse_self(tmp_path):
    path = csv_file(tmp_path, "from_id,to_id,created_at\n9,2,\n4,4,\n")
    rows = list(read_requests(path))
    assert rows[0] == (2, {"from_id": 9, "to_id": 2, "created_at": None})
    assert (rows[1][1].line, rows[1][1].field) == (3, "to_id")


def test_blank_lines_are_ignored_but_line_numbers_stay_true(tmp_path):
    path = users_file(tmp_path, {"id": 1, "username": "a"}, "", {"id": 2, "username": "b c"})
    assert only_bad(read_users(path)).line == 3

"""`connections sync --events FILE.jsonl` replays an export through the webhook receiver."""

from __future__ import annotations

import json

from service import cli
from tests.conftest import point_the_cli_at
from tests.integration.webhooks.test_inbound import T, received, stored, user


def lines(*events) -> str:
    return "\n".join(json.dumps(e) for e in events) + "\n"


def test_sync_applies_each_event_once_and_reports(
    tmp_path, clean_db, neo4j_settings, monkeypatch, capsys
):
    point_the_cli_at(monkeypatch, neo4j_settings)
    export = tmp_path / "events.jsonl"
    export.write_text(
        lines(
            {"event_id": 1, "type": "user.created", "created": T, "data": user(7)},
            {"event_id": 2, "type": "user.updated", "created": T + 2, "data": user(7, bio="b")},
            {"event_id": 1, "type": "user.created", "created": T, "data": user(7)},
            {"event_id": 3, "type": "user.updated", "created": T + 1, "data": user(7, bio="a")},
            {"event_id": 4, "type": "user.score_updated", "created": T, "data": {}},
        )
        + "\n"
    )
    assert cli.main(["sync", "--events", str(export)]) == 0
    out = capsys.readouterr().out
    assert "5 events" in out and "applied 2, duplicate 1, ignored 1, stale 1" in out
    db = neo4j_settings.neo4j_database
    assert stored(clean_db, db, 7)["bio"] == "b"
    assert received(clean_db, db) == [(1, "applied"), (2, "applied"), (3, "stale"), (4, "ignored")]
    # Replaying the same export again changes nothing.
    assert cli.main(["sync", "--events", str(export)]) == 0
    assert "duplicate 5" in capsys.readouterr().out


def test_a_bad_line_stops_the_replay_naming_it(
    tmp_path, clean_db, neo4j_settings, monkeypatch, capsys
):
    point_the_cli_at(monkeypatch, neo4j_settings)
    export = tmp_path / "events.jsonl"
    export.write_text(
        lines({"event_id": 1, "type": "user.created", "created": T, "data": user(7)})
        + "{broken\n"
        + lines({"event_id": 2, "type": "user.created", "created": T, "data": user(8)})
    )
    assert cli.main(["sync", "--events", str(export)]) == 2
    assert f"{export}:2:" in capsys.readouterr().err
    db = neo4j_settings.neo4j_database
    assert stored(clean_db, db, 7) is not None and stored(clean_db, db, 8) is None
    assert cli.main(["sync", "--events", str(export), "--skip-invalid"]) == 0
    assert stored(clean_db, db, 8) is not None


def test_webhooks_add_list_remove_print_json(clean_db, neo4j_settings, monkeypatch, capsys):
    point_the_cli_at(monkeypatch, neo4j_settings)
    assert (
        cli.main(
            [
                "webhooks",
                "add",
                "http://127.0.0.1:9000/in/",
                "--secret",
                "s3",
                "--events",
                "connection.created,connection.deleted",
            ]
        )
        == 0
    )
    added = json.loads(capsys.readouterr().out)
    assert added == {
        "id": 1,
        "url": "http://127.0.0.1:9000/in/",
        "events": ["connection.created", "connection.deleted"],
    }
    assert cli.main(["webhooks", "add", "https://example.com/hook"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["events"] == [] and "generated secret" in err
    assert cli.main(["webhooks", "list"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == [1, 2] and all("secret" not in r for r in rows)
    assert cli.main(["webhooks", "remove", "1"]) == 0
    assert cli.main(["webhooks", "remove", "1"]) == 2
    assert "no webhook subscriber with id 1" in capsys.readouterr().err
    assert cli.main(["webhooks", "failures"]) == 0
    assert capsys.readouterr().out == ""


def test_webhooks_add_refuses_bad_urls_and_event_types(
    clean_db, neo4j_settings, monkeypatch, capsys
):
    point_the_cli_at(monkeypatch, neo4j_settings)
    assert cli.main(["webhooks", "add", "ftp://example.com/x", "--secret", "s"]) == 2
    assert "http:// or https://" in capsys.readouterr().err
    assert (
        cli.main(["webhooks", "add", "http://h/x", "--secret", "s", "--events", "user.nope"]) == 2
    )
    assert "unknown event type(s) user.nope" in capsys.readouterr().err

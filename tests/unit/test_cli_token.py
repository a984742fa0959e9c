"""`connections token`: mints a token the API accepts; bad input is one error line."""

import pytest

from service.cli import main
from service.domain import auth


@pytest.fixture(autouse=True)
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("CONNECTIONS_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("JWT_SECRET", "cli-test-secret-0123456789abcdef0123")


def test_token_round_trips(capsys):
    assert main(["token", "--user-id", "42", "--ttl", "120"]) == 0
    token = capsys.readouterr().out.strip()
    assert auth.decode_token(token, "cli-test-secret-0123456789abcdef0123") == 42


@pytest.mark.parametrize(
    "argv,message",
    [
        (["token", "--user-id", "0"], "--user-id must be a positive integer"),
        (["token", "--user-id", "3", "--ttl", "0"], "--ttl must be at least 1 second"),
        (["settings", "set", "colour", "true"], "unknown option 'colour'"),
        (["settings", "set", "follow_enabled", "maybe"], "follow_enabled must be true or false"),
        (["settings", "set", "follow_enabled"], "usage: connections settings set NAME VALUE"),
    ],
)
def test_bad_input_is_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1

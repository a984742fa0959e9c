"""The runner's error mapping and session settings, with a hand-written fake driver."""

import pytest
from neo4j import READ_ACCESS
from neo4j.exceptions import AuthError, ClientError

from service.analytics import catalogue as analytics
from service.analytics.catalogue import parse_query
from service.analytics.runner import AnalyticsRunner

QUERY = parse_query("demo", "// Demo.\n// columns: x\nRETURN 1 AS x\n")


class FakeSession:
    def __init__(self, driver):
        self.driver = driver

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute_read(self, work):
        self.driver.work = work
        raise self.driver.error


class FakeDriver:
    def __init__(self, error):
        self.error = error
        self.session_kwargs = None
        self.work = None

    def session(self, **kwargs):
        self.session_kwargs = kwargs
        return FakeSession(self)


def neo4j_error(cls, code, message):
    error = cls(message)
    error._neo4j_code = code  # how the driver stores the server's status code
    error._message = message
    return error


def run_with(error, timeout=2.5):
    driver = FakeDriver(error)
    AnalyticsRunner(driver, "graphs", timeout=timeout).run(QUERY, {})
    return driver


def test_sessions_are_read_mode_and_transactions_carry_timeout():
    driver = FakeDriver(neo4j_error(ClientError, "Neo.ClientError.Statement.SyntaxError", "x"))
    with pytest.raises(analytics.QueryFailed):
        AnalyticsRunner(driver, "graphs", timeout=2.5).run(QUERY, {})
    assert driver.session_kwargs == {"database": "graphs", "default_access_mode": READ_ACCESS}
    assert driver.work.timeout == 2.5
    assert driver.work.metadata == {"app": "connections-analytics", "query": "demo"}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("Neo.ClientError.Statement.AccessMode", analytics.ReadOnlyViolation),
        ("Neo.ClientError.Transaction.TransactionTimedOut", analytics.QueryTimedOut),
        (
            "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
            analytics.QueryTimedOut,
        ),
        ("Neo.ClientError.Statement.SyntaxError", analytics.QueryFailed),
    ],
)
def test_server_errors_become_one_line_analytics_errors(code, expected):
    with pytest.raises(expected) as info:
        run_with(neo4j_error(ClientError, code, "first line\n  second line"))
    assert "\n" not in str(info.value)


def test_failure_message_is_flattened_to_one_line():
    with pytest.raises(analytics.QueryFailed, match="query demo failed: first line second line"):
        run_with(
            neo4j_error(
                ClientError, "Neo.ClientError.Statement.SyntaxError", "first line\n  second line"
            )
        )


def test_auth_errors_pass_through_for_the_cli_to_report():
    with pytest.raises(AuthError):
        run_with(neo4j_error(AuthError, "Neo.ClientError.Security.Unauthorized", "nope"))


def test_unknown_mode_is_a_programming_error():
    with pytest.raises(ValueError):
        AnalyticsRunner(FakeDriver(None)).run(QUERY, {}, mode="debug")

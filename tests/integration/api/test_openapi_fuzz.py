"""Property-based fuzzing of the served OpenAPI document: no 5xx, no undocumented response.

Driven through schemathesis' strategies rather than its pytest plugin, whose `from_fixture`
does not work with pytest 9.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from service.api.app import create_app
from service.api.openapi import WEBHOOK_PATH
from service.domain import auth
from service.graph.layer import open_graph
from service.graph.runner import Tuning
from tests.conftest import delete_everything
from tests.integration.seed import BASE, connect, create_users, request, user_props

FUZZ_SECRET = "fuzz-secret-" + "x" * 24
EXAMPLES = 40  # per operation and mode; keeps the whole fuzz run well under a minute


@pytest.fixture(scope="module")
def api_schema(driver, neo4j_settings, redis_url):
    database = neo4j_settings.neo4j_database
    delete_everything(driver, database)
    create_users(
        driver,
        database,
        [user_props(i) for i in range(1, 13)]
        + [user_props(13, status="b"), {"id": 14, "username": "bare", "status": "a"}],
    )
    connect(driver, database, [(1, i, BASE + dt.timedelta(minutes=i % 4)) for i in range(2, 15)])
    request(driver, database, [(2, 3), (4, 2)])
    app = create_app(
        dataclasses.replace(
            neo4j_settings,
            jwt_secret=FUZZ_SECRET,
            selfcommunity_webhook_secret="fuzz-webhook-secret",  # the route exists
            # Rate limits on, over a real Redis, with budgets the fuzzer does not spend.
            rate_limits_enabled=True,
            redis_url=redis_url,
            rate_limit_reads="1000000/minute",
            rate_limit_writes="1000000/minute",
            rate_limit_suggestions="1000000/minute",
        ),
        graph=open_graph(driver, database, Tuning(query_timeout=neo4j_settings.query_timeout)),
    )
    return schemathesis.openapi.from_wsgi("/api/v2/openapi.json", app)


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def run(strategy, excluded_checks=None) -> None:
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def check(case):
        case.call_and_validate(excluded_checks=excluded_checks)

    check()


def test_every_operation_conforms(api_schema):
    for operation in operations(api_schema):
        # The webhook refuses a schema-valid body whose signature is wrong (401, documented).
        excluded = [positive_data_acceptance] if operation.path == WEBHOOK_PATH else None
        run(operation.as_strategy(), excluded)


def test_every_operation_conforms_with_a_valid_token(api_schema):
    token = {"Authorization": "Bearer " + auth.mint_token(2, FUZZ_SECRET, ttl_seconds=600)}
    for operation in operations(api_schema):
        # A valid user's writes can be refused by the pair's state (400), the webhook by its
        # signature (401): both documented, neither a 5xx.
        run(operation.as_strategy(headers=token), [positive_data_acceptance])


def test_the_webhook_route_is_fuzzed_too(api_schema):
    (operation,) = [op for op in operations(api_schema) if op.path == WEBHOOK_PATH]
    run(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    run(operation.as_strategy(), [positive_data_acceptance])


def test_invalid_input_is_rejected_as_documented(api_schema):
    # Only the connections operation takes input; the others have nothing to make invalid.
    (operation,) = [op for op in operations(api_schema) if "connections" in op.path]
    run(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))


def test_paging_a_real_user_conforms(api_schema):
    (operation,) = [op for op in operations(api_schema) if "connections" in op.path]
    for user_id in ("1", "2", "14"):
        run(operation.as_strategy(path_parameters={"id": user_id}))


def test_suggestions_for_a_real_user_conform(api_schema):
    (operation,) = [op for op in operations(api_schema) if op.path == "/api/v2/suggestion/user/"]
    token = {"Authorization": "Bearer " + auth.mint_token(2, FUZZ_SECRET, ttl_seconds=600)}
    run(operation.as_strategy(headers=token))
    run(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE, headers=token))


def test_the_explorer_with_a_real_user_conforms(api_schema):
    found = [op for op in operations(api_schema) if op.path.startswith("/api/v2/explore/")]
    assert len(found) == 5
    token = {"Authorization": "Bearer " + auth.mint_token(2, FUZZ_SECRET, ttl_seconds=600)}
    for operation in found:
        ids = {"path_parameters": {"id": "1"}} if "{id}" in operation.path else {}
        run(operation.as_strategy(headers=token, **ids))
        run(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE, headers=token, **ids))


def lifecycle_operations(schema):
    return [
        op
        for op in operations(schema)
        if op.path.startswith("/api/v2/user/") and not op.path.endswith("/connections/")
    ]


def test_lifecycle_with_a_valid_token_conforms(api_schema):
    token = {"Authorization": "Bearer " + auth.mint_token(2, FUZZ_SECRET, ttl_seconds=600)}
    found = lifecycle_operations(api_schema)
    assert len(found) == 14  # with the counters endpoint
    # A schema-valid write can still be refused by the pair's state (400, documented): the
    # state, not the input, decides, so "valid input must be accepted" does not apply.
    stateful = [positive_data_acceptance]
    for operation in found:
        run(operation.as_strategy(headers=token), stateful)
        if "{id}" in operation.path:
            # Real users, so the writes reach the graph rather than stopping at 404.
            for user_id in ("1", "3", "4", "13"):
                strategy = operation.as_strategy(headers=token, path_parameters={"id": user_id})
                run(strategy, stateful)


def test_lifecycle_invalid_input_is_rejected_as_documented(api_schema):
    token = {"Authorization": "Bearer " + auth.mint_token(2, FUZZ_SECRET, ttl_seconds=600)}
    # Only these take input beyond the path id (a string: nothing to make invalid).
    with_input = [
        op
        for op in lifecycle_operations(api_schema)
        if op.path.endswith(("/statuses/", "/requests/", "/requests_sent/"))
    ]
    assert len(with_input) == 3
    for operation in with_input:
        run(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE, headers=token))

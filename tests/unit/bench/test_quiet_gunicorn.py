"""bench.common.quiet_gunicorn: the limiter and the cache off unless a benchmark turns them on."""

from bench.common import quiet_gunicorn


def test_a_benchmark_server_runs_without_the_limiter_and_the_cache():
    env = quiet_gunicorn("service.api.app:create_app()", 1).env
    assert (env["RATE_LIMITS_ENABLED"], env["CACHE_ENABLED"]) == ("false", "false")


def test_a_benchmark_may_turn_them_on():
    extra = {"RATE_LIMITS_ENABLED": "true", "CACHE_ENABLED": "true"}
    env = quiet_gunicorn("service.api.app:create_app()", 1, extra).env
    assert (env["RATE_LIMITS_ENABLED"], env["CACHE_ENABLED"]) == ("true", "true")

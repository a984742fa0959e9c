"""Community options: parsing, defaults, and the per-worker cache's refresh interval."""

import pytest

from service.config import Settings
from service.domain.community import CommunitySettings, UnknownOption, effective, parse_option
from tests.unit.fakes import FakeGraph


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_cache_reads_at_most_once_per_refresh_interval():
    graph, clock = FakeGraph(options={"follow_enabled": True}), Clock()
    cache = CommunitySettings(graph, Settings(settings_refresh_seconds=2.0), clock=clock)
    assert cache.current().follow_enabled is True
    graph.options["follow_enabled"] = False
    clock.now += 1.9
    assert cache.current().follow_enabled is True and graph.settings_reads == 1
    clock.now += 0.2
    assert cache.current().follow_enabled is False and graph.settings_reads == 2


def test_effective_uses_defaults_for_unset_options():
    settings = Settings(follow_enabled=False, content_availability=False)
    assert effective({}, settings) == {"follow_enabled": False, "content_availability": False}
    assert effective({"content_availability": True}, settings)["content_availability"] is True


@pytest.mark.parametrize("raw,value", [("true", True), ("ON", True), ("0", False), ("no", False)])
def test_parse_option(raw, value):
    assert parse_option("follow_enabled", raw) is value


@pytest.mark.parametrize("name,raw", [("colour", "true"), ("follow_enabled", "maybe")])
def test_parse_option_rejects(name, raw):
    with pytest.raises(UnknownOption):
        parse_option(name, raw)

"""Community options (SelfCommunity's names), stored in Neo4j and cached briefly per worker."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from service.config import Settings, parse_bool
from service.domain.ports import CommunityReads

OPTIONS = ("follow_enabled", "content_availability")


class UnknownOption(ValueError):
    """A community option name or value the service does not know."""


@dataclass(frozen=True)
class CommunityOptions:
    """The options that decide who may list connections."""

    follow_enabled: bool
    content_availability: bool


def defaults(settings: Settings) -> dict:
    """The environment's defaults (FOLLOW_ENABLED, CONTENT_AVAILABILITY) by option name."""
    return {
        "follow_enabled": settings.follow_enabled,
        "content_availability": settings.content_availability,
    }


def parse_option(name: str, raw: str) -> bool:
    """`raw` as the value of option `name`; UnknownOption says what is allowed."""
    if name not in OPTIONS:
        raise UnknownOption(f"unknown option {name!r}; known options: {', '.join(OPTIONS)}")
    try:
        return parse_bool(raw)
    except ValueError:
        raise UnknownOption(f"{name} must be true or false, got {raw!r}") from None


def effective(stored: dict, settings: Settings) -> dict:
    """Stored values where present, environment defaults otherwise."""
    values = defaults(settings)
    values.update({k: bool(v) for k, v in stored.items() if k in OPTIONS})
    return values


class CommunitySettings:
    """Reads the options from the graph at most once per `refresh_seconds` in this worker."""

    def __init__(
        self, graph: CommunityReads, settings: Settings, clock: Callable[[], float] = time.monotonic
    ):
        self.graph = graph
        self.settings = settings
        self.refresh_seconds = settings.settings_refresh_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._value: CommunityOptions | None = None
        self._read_at = 0.0

    def current(self) -> CommunityOptions:
        """The options as of at most `refresh_seconds` ago (read from the graph when older)."""
        now = self.clock()
        value = self._value
        if value is not None and now - self._read_at < self.refresh_seconds:
            return value
        with self._lock:
            if self._value is None or self.clock() - self._read_at >= self.refresh_seconds:
                values = effective(self.graph.get_community_settings(), self.settings)
                self._value = CommunityOptions(**values)
                self._read_at = self.clock()
            return self._value

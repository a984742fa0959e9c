"""The analysts' query catalogue: named, parameterized, read-only queries in `cypher/analytics/`.

Each top-level `cypher/analytics/NAME.cypher` is one catalogue entry; its `//` header is the
documentation and the contract the CLI reads:

    // One-line description (shown by `connections query --list`).
    // Optional further description lines.
    // columns: id, username
    // param a: user -- one user's id
    // param limit: int = 20 in 1..10000 -- how many rows
    // param user: user as $user_id -- a CLI name bound to a differently named $parameter
    // plot: degree, users

Parameter types are `int`, `float`, `str`, `bool` and `user` (an integer id that must exist).
Sub-folders (`support/`) hold helper queries that are not in the catalogue.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import takewhile
from pathlib import Path
from typing import Any

from service.config import parse_bool
from service.graph import cypher

ANALYTICS_DIR = cypher.CYPHER_DIR / "analytics"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_ROWS = 10_000
MODES = ("run", "explain", "profile")

_PARAM = re.compile(
    r"param (?P<name>[A-Za-z_]\w*): (?P<type>\w+)"
    r"(?: as \$(?P<binds>[A-Za-z_]\w*))?"
    r"(?: = (?P<default>\S+))?"
    r"(?: in (?P<min>[+-]?\d+)?\.\.(?P<max>[+-]?\d+)?)?"
    r" -- (?P<description>.+)$"
)
_CYPHER_PARAM = re.compile(r"\$([A-Za-z_]\w*)")
_INTEGER = re.compile(r"[+-]?\d+")
_STRUCTURED = ("columns:", "param ", "plot:")


class AnalyticsError(Exception):
    """An analytics query cannot run as asked; the message is one line for the analyst."""


class CatalogueError(AnalyticsError):
    """A catalogue file's header is malformed or does not match its Cypher."""


class UnknownAnalyticsQuery(AnalyticsError):
    """No catalogue entry has that name."""


class ParameterError(AnalyticsError):
    """A parameter is missing, unknown, of the wrong type or out of range."""


class UnknownUsers(ParameterError):
    """A `user` parameter names an id with no :User behind it."""


class QueryTimedOut(AnalyticsError):
    """The server stopped the query at the timeout."""


class ReadOnlyViolation(AnalyticsError):
    """The query tried to write; analytics transactions are read-only."""


class QueryFailed(AnalyticsError):
    """Neo4j rejected or failed the query for another reason."""


def _convert_int(raw: str) -> int:
    if not _INTEGER.fullmatch(raw.strip()):
        raise ValueError("an integer")
    return int(raw)


def _convert_float(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("a number") from None
    if not math.isfinite(value):
        raise ValueError("a finite number")
    return value


def _convert_user(raw: str) -> int:
    try:
        return _convert_int(raw)
    except ValueError:
        raise ValueError("a user id (an integer)") from None


CONVERTERS: dict[str, Callable[[str], Any]] = {
    "int": _convert_int,
    "float": _convert_float,
    "str": str,
    "bool": parse_bool,
    "user": _convert_user,
}


@dataclass(frozen=True)
class Param:
    """One declared parameter: its CLI name, type, bound Cypher name, default and range."""

    name: str
    type: str
    binds: str
    description: str
    default: Any = None
    required: bool = True
    minimum: int | None = None
    maximum: int | None = None

    def convert(self, raw: str) -> Any:
        """The typed value of `raw`, or ParameterError naming this parameter."""
        try:
            value = CONVERTERS[self.type](raw)
        except ValueError as exc:
            raise ParameterError(f"parameter {self.name} must be {exc}, got {raw!r}") from None
        if self.minimum is not None and value < self.minimum:
            raise ParameterError(
                f"parameter {self.name} must be at least {self.minimum}, got {raw}"
            )
        if self.maximum is not None and value > self.maximum:
            raise ParameterError(f"parameter {self.name} must be at most {self.maximum}, got {raw}")
        return value

    def usage(self) -> str:
        """Compact form for listings: `max_depth:int=6 (1..6)`."""
        text = f"{self.name}:{self.type}"
        if not self.required:
            text += f"={self.default}"
        if self.minimum is not None or self.maximum is not None:
            low = "" if self.minimum is None else self.minimum
            high = "" if self.maximum is None else self.maximum
            text += f" ({low}..{high})"
        return text if self.required else f"[{text}]"

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default": self.default,
            "min": self.minimum,
            "max": self.maximum,
            "description": self.description,
        }


@dataclass(frozen=True)
class AnalyticsQuery:
    """One catalogue entry: the Cypher text and what its header declares."""

    name: str
    description: str
    text: str
    columns: tuple[str, ...]
    params: tuple[Param, ...] = ()
    notes: tuple[str, ...] = ()
    plot: tuple[str, str] | None = None

    def param(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        known = ", ".join(p.name for p in self.params) or "none"
        raise ParameterError(f"query {self.name} has no parameter {name!r} (parameters: {known})")

    def bind(self, raw: Mapping[str, str]) -> dict[str, Any]:
        """Typed Cypher parameters from CLI strings, defaults filled in; ParameterError if bad."""
        for name in raw:
            self.param(name)
        bound = {}
        for param in self.params:
            if param.name in raw:
                bound[param.binds] = param.convert(raw[param.name])
            elif param.required:
                raise ParameterError(f"query {self.name} needs --param {param.name}=<{param.type}>")
            else:
                bound[param.binds] = param.default
        return bound

    def users_in(self, bound: Mapping[str, Any]) -> list[tuple[str, int]]:
        """(parameter name, user id) for every `user` parameter, to check they exist."""
        return [(p.name, bound[p.binds]) for p in self.params if p.type == "user"]

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "notes": list(self.notes),
            "columns": list(self.columns),
            "params": [p.describe() for p in self.params],
            "plot": list(self.plot) if self.plot else None,
        }


def _parse_param(name: str, line: str) -> Param:
    match = _PARAM.fullmatch(line)
    if not match:
        raise CatalogueError(
            f"{name}.cypher: cannot read parameter line {line!r}; expected "
            "'param NAME: TYPE [as $NAME] [= DEFAULT] [in MIN..MAX] -- text'"
        )
    kind = match["type"]
    if kind not in CONVERTERS:
        raise CatalogueError(
            f"{name}.cypher: parameter {match['name']} has unknown type {kind!r}"
            f" (known: {', '.join(CONVERTERS)})"
        )
    if (match["min"] or match["max"]) and kind not in ("int", "float"):
        raise CatalogueError(
            f"{name}.cypher: parameter {match['name']}: only int and float parameters take a range"
        )
    param = Param(
        name=match["name"],
        type=kind,
        binds=match["binds"] or match["name"],
        description=match["description"].strip(),
        minimum=None if match["min"] is None else int(match["min"]),
        maximum=None if match["max"] is None else int(match["max"]),
    )
    if match["default"] is None:
        return param
    try:
        default = param.convert(match["default"])
    except ParameterError as exc:
        raise CatalogueError(f"{name}.cypher: bad default: {exc}") from None
    return replace(param, default=default, required=False)


def parse_query(name: str, text: str) -> AnalyticsQuery:
    """Read one catalogue file's header; CatalogueError when it is malformed or inconsistent."""
    header = [
        line[2:].strip() for line in takewhile(lambda ln: ln.startswith("//"), text.splitlines())
    ]
    if not header or not header[0] or header[0].startswith(_STRUCTURED):
        raise CatalogueError(f"{name}.cypher: the first // line must describe the query")
    description, notes, columns, params, plot = header[0], [], None, [], None
    for line in header[1:]:
        if line.startswith("columns:"):
            names = line.removeprefix("columns:").split(",")
            columns = tuple(c.strip() for c in names if c.strip())
        elif line.startswith("param "):
            params.append(_parse_param(name, line))
        elif line.startswith("plot:"):
            axes = tuple(c.strip() for c in line.removeprefix("plot:").split(","))
            if len(axes) != 2:
                raise CatalogueError(f"{name}.cypher: plot needs two columns: 'plot: x, y'")
            plot = axes
        elif line:
            notes.append(line)
    if not columns:
        raise CatalogueError(f"{name}.cypher: the header needs a 'columns: a, b' line")
    if plot and not set(plot) <= set(columns):
        raise CatalogueError(f"{name}.cypher: plot columns {plot} are not all in {columns}")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    used, declared = set(_CYPHER_PARAM.findall(body)), {p.binds for p in params}
    if used != declared:
        raise CatalogueError(
            f"{name}.cypher: header declares ${', $'.join(sorted(declared))} "
            f"but the query uses ${', $'.join(sorted(used))}"
        )
    if len({p.name for p in params}) != len(params):
        raise CatalogueError(f"{name}.cypher: a parameter is declared twice")
    return AnalyticsQuery(
        name=name,
        description=description,
        text=text,
        columns=columns,
        params=tuple(params),
        notes=tuple(notes),
        plot=plot,
    )


@dataclass(frozen=True)
class Catalogue:
    """The named analytics queries, read once from a folder of `.cypher` files."""

    queries: Mapping[str, AnalyticsQuery] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path | None = None) -> Catalogue:
        """Every top-level `*.cypher` in `root` (sub-folders are helpers, not entries)."""
        loaded = cypher.load_queries(root or ANALYTICS_DIR)
        return cls(
            {name: parse_query(name, q.text) for name, q in loaded.items() if "/" not in name}
        )

    def get(self, name: str) -> AnalyticsQuery:
        try:
            return self.queries[name]
        except KeyError:
            raise UnknownAnalyticsQuery(
                f"unknown query {name!r}; `connections query --list` shows the catalogue"
            ) from None

    def __iter__(self) -> Iterator[AnalyticsQuery]:
        return iter(self.queries[name] for name in sorted(self.queries))

    def describe(self) -> list[dict[str, Any]]:
        return [query.describe() for query in self]


@dataclass(frozen=True)
class QueryResult:
    """Rows of one run (`truncated` when the row limit cut it), or the plan of explain/profile."""

    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    truncated: bool = False
    plan: dict[str, Any] | None = None

"""Django REST framework's LimitOffsetPagination envelope, link for link, and the `Pager`."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib import parse

import falcon
import orjson
from marshmallow import Schema


def replace_query_param(url: str, key: str, value: object) -> str:
    """DRF's `replace_query_param`: set one key, re-encode every key in sorted order."""
    return _with_query(url, lambda query: _query_replaced(query, key, str(value)))


def remove_query_param(url: str, key: str) -> str:
    """DRF's `remove_query_param`: drop one key, re-encode the rest in sorted order."""
    return _with_query(url, lambda query: _query_removed(query, key))


def _with_query(url: str, change) -> str:
    """`url` with its query string changed by `change`. A request's URI has no fragment, and
    then the query is everything after the first `?` (as urlsplit says); the re-encoding is
    what costs (~30 us, twice a page), and every user's page 1 shares its query string."""
    if "#" in url:
        scheme, netloc, path, query, fragment = parse.urlsplit(url)
        return parse.urlunsplit((scheme, netloc, path, change(query), fragment))
    base, _, query = url.partition("?")
    query = change(query)
    return f"{base}?{query}" if query else base


@functools.lru_cache(maxsize=1024)
def _query_replaced(query: str, key: str, value: str) -> str:
    query_dict = parse.parse_qs(query, keep_blank_values=True)
    query_dict[key] = [value]
    return parse.urlencode(sorted(query_dict.items()), doseq=True)


@functools.lru_cache(maxsize=1024)
def _query_removed(query: str, key: str) -> str:
    query_dict = parse.parse_qs(query, keep_blank_values=True)
    query_dict.pop(key, None)
    return parse.urlencode(sorted(query_dict.items()), doseq=True)


def next_link(url: str, count: int, offset: int, limit: int) -> str | None:
    """The next page's absolute URI, or None when this page reaches the end."""
    if offset + limit >= count:
        return None
    url = replace_query_param(url, "limit", limit)
    return replace_query_param(url, "offset", offset + limit)


def previous_link(url: str, offset: int, limit: int) -> str | None:
    """The previous page's absolute URI; drops `offset` when it would be <= 0."""
    if offset <= 0:
        return None
    url = replace_query_param(url, "limit", limit)
    if offset - limit <= 0:
        return remove_query_param(url, "offset")
    return replace_query_param(url, "offset", offset - limit)


def paginate(url: str, count: int, offset: int, limit: int, results: list) -> dict:
    """`{count, next, previous, results}` for the request's absolute `url`."""
    return {
        "count": count,
        "next": next_link(url, count, offset, limit),
        "previous": previous_link(url, offset, limit),
        "results": results,
    }


KNOWN_QUERIES = 1024  # distinct query strings a Pager remembers the page of


@dataclass(frozen=True)
class Page:
    """The page a request asks for, and the absolute URL its links are built from."""

    url: str
    offset: int
    limit: int

    def envelope(self, count: int, results: list) -> dict:
        """DRF's `{count, next, previous, results}` for this page."""
        return paginate(self.url, count, self.offset, self.limit, results)

    def encoded_envelope(self, count: int, results: list[bytes]) -> bytes:
        """`envelope` as the JSON handler would encode it, from results encoded already:
        spliced, so a page of cached users is never decoded and encoded again."""
        links = orjson.dumps(paginate(self.url, count, self.offset, self.limit, []))
        return links[: -len(b"[]}")] + b"[" + b",".join(results) + b"]}"


class Pager:
    """A paged endpoint's `limit`/`offset` (validated by the query schema: 400 naming the
    parameter) and the URL of its links, one helper for every list."""

    def __init__(self, query_schema: Schema, trust_forwarded: bool):
        self.query_schema = query_schema
        self.trust_forwarded = trust_forwarded
        # `(offset, limit)` by query string: the schema's answer depends on nothing else, and
        # a cached page is cheaper than loading it (~35 us). Bounded: once full, it only reads.
        self._known: dict[str, tuple[int, int]] = {}

    def page(self, req: falcon.Request) -> Page:
        """The page `req` asks for; ValidationError when `limit` or `offset` will not do."""
        known = self._known.get(req.query_string)
        if known is None:
            params = self.query_schema.load(req.params)
            known = params["offset"], params["limit"]
            if len(self._known) < KNOWN_QUERIES:
                self._known[req.query_string] = known
        # Links are absolute, like Django's build_absolute_uri(); proxy headers only when trusted.
        url = req.forwarded_uri if self.trust_forwarded else req.uri
        return Page(url, *known)

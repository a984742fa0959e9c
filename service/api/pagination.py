"""Django REST framework's LimitOffsetPagination envelope, link for link."""

from __future__ import annotations

from urllib import parse


def replace_query_param(url: str, key: str, value: object) -> str:
    """DRF's `replace_query_param`: set one key, re-encode every key in sorted order."""
    scheme, netloc, path, query, fragment = parse.urlsplit(url)
    query_dict = parse.parse_qs(query, keep_blank_values=True)
    query_dict[key] = [str(value)]
    query = parse.urlencode(sorted(query_dict.items()), doseq=True)
    return parse.urlunsplit((scheme, netloc, path, query, fragment))


def remove_query_param(url: str, key: str) -> str:
    """DRF's `remove_query_param`: drop one key, re-encode the rest in sorted order."""
    scheme, netloc, path, query, fragment = parse.urlsplit(url)
    query_dict = parse.parse_qs(query, keep_blank_values=True)
    query_dict.pop(key, None)
    query = parse.urlencode(sorted(query_dict.items()), doseq=True)
    return parse.urlunsplit((scheme, netloc, path, query, fragment))


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

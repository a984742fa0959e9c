"""paginate(): Django REST framework's LimitOffsetPagination links, string for string."""

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.api.pagination import Page, paginate, remove_query_param, replace_query_param

URL = "http://testserver/api/v2/user/1/connections/"


def test_replace_sorts_keys_like_drf():
    assert (
        replace_query_param(URL + "?zeta=1&foo=bar", "limit", 4) == URL + "?foo=bar&limit=4&zeta=1"
    )


def test_replace_keeps_repeated_and_blank_values():
    assert replace_query_param(URL + "?b=2&b=1&a=", "offset", 8) == URL + "?a=&b=2&b=1&offset=8"


def test_remove_drops_the_key_and_sorts_the_rest():
    assert (
        remove_query_param(URL + "?offset=3&foo=bar&limit=4", "offset") == URL + "?foo=bar&limit=4"
    )


def test_remove_last_key_leaves_no_question_mark():
    assert remove_query_param(URL + "?offset=3", "offset") == URL


@pytest.mark.parametrize(
    "query,count,offset,limit,next_,previous",
    [
        ("", 10, 0, 4, "?limit=4&offset=4", None),
        ("?foo=bar", 10, 4, 4, "?foo=bar&limit=4&offset=8", "?foo=bar&limit=4"),
        ("?offset=3&limit=4", 10, 3, 4, "?limit=4&offset=7", "?limit=4"),
        ("?offset=6&limit=4", 10, 6, 4, None, "?limit=4&offset=2"),
        ("?offset=5&limit=5", 10, 5, 5, None, "?limit=5"),
        ("?offset=50&limit=4", 10, 50, 4, None, "?limit=4&offset=46"),
        ("?limit=1000", 150, 0, 100, "?limit=100&offset=100", None),
        ("", 0, 0, 20, None, None),
    ],
)
def test_links(query, count, offset, limit, next_, previous):
    page = paginate(URL + query, count, offset, limit, [])
    assert page == {
        "count": count,
        "next": next_ and URL + next_,
        "previous": previous and URL + previous,
        "results": [],
    }


def test_next_is_null_exactly_when_offset_plus_limit_reaches_count():
    assert paginate(URL, 8, 4, 4, [])["next"] is None
    assert paginate(URL, 9, 4, 4, [])["next"] == URL + "?limit=4&offset=8"


@pytest.mark.parametrize(("count", "offset", "limit", "n"), [(0, 0, 20, 0), (45, 20, 20, 2)])
def test_the_encoded_envelope_is_the_encoded_envelope(count, offset, limit, n):
    page = Page("http://testserver/api/v2/user/1/connections/?limit=20", offset, limit)
    users = [{"id": i, "username": f"u{i}", "tags": [{"a": [1]}]} for i in range(n)]
    spliced = page.encoded_envelope(count, [orjson.dumps(u) for u in users])
    assert spliced == orjson.dumps(page.envelope(count, users))


def test_the_pager_remembers_pages_not_refusals():
    from falcon import testing
    from marshmallow import ValidationError

    from service.api.pagination import Pager
    from service.api.schemas import ConnectionsQuerySchema

    pager = Pager(ConnectionsQuerySchema(max_limit=50), trust_forwarded=False)
    for _ in range(2):  # the second answer is the remembered one
        page = pager.page(testing.create_req(query_string="limit=500&offset=40"))
        assert (page.offset, page.limit) == (40, 50)
        with pytest.raises(ValidationError) as refused:
            pager.page(testing.create_req(query_string="limit=0"))
        assert "limit" in refused.value.messages


def _drf_reference(url: str, key: str, value: object | None) -> str:
    """DRF's own code path (urlsplit, parse_qs, urlencode, urlunsplit), to hold the fast one to."""
    from urllib import parse

    scheme, netloc, path, query, fragment = parse.urlsplit(url)
    query_dict = parse.parse_qs(query, keep_blank_values=True)
    if value is None:
        query_dict.pop(key, None)
    else:
        query_dict[key] = [str(value)]
    query = parse.urlencode(sorted(query_dict.items()), doseq=True)
    return parse.urlunsplit((scheme, netloc, path, query, fragment))


_QUERY_CHARS = "abz=&?%+#;/ 0129é"


@given(
    path=st.text(alphabet="abc/%-._~", max_size=12),
    query=st.text(alphabet=_QUERY_CHARS, max_size=30),
    key=st.sampled_from(["limit", "offset", "a", "é"]),
    value=st.one_of(st.none(), st.integers(-5, 10**6)),
)
def test_links_match_drfs_urllib_path_for_any_query(path, query, key, value):
    url = f"http://testserver/{path}?{query}"
    expected = _drf_reference(url, key, value)
    if value is None:
        assert remove_query_param(url, key) == expected
    else:
        assert replace_query_param(url, key, value) == expected

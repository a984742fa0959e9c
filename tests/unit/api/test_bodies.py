"""Body caps: 413 before buffering, bounded reads of chunked bodies, 408 for a stalled body."""

from __future__ import annotations

import io

import falcon
import pytest

from service.api.bodies import DEFAULT_MAX_BODY_BYTES, read_bounded
from service.api.resources import ConnectionStatusesResource
from service.api.webhooks import MAX_BODY_BYTES as WEBHOOK_CAP
from tests.unit.api.client import bearer, make_client
from tests.unit.fakes import FakeGraph

STATUSES = "/api/v2/user/connection/statuses/"


class CountingStream(io.RawIOBase):
    """An endless body that counts what was read from it."""

    def __init__(self):
        self.served = 0

    def read(self, size=-1):
        size = 1 << 20 if size is None or size < 0 else size
        self.served += size
        return b"x" * size


class StalledStream(io.RawIOBase):
    def read(self, size=-1):
        raise TimeoutError("timed out")


@pytest.mark.parametrize(
    ("method", "path", "cap"),
    [
        ("POST", STATUSES, ConnectionStatusesResource.max_body_bytes),
        ("POST", "/webhooks/selfcommunity/", WEBHOOK_CAP),
        ("POST", "/api/v2/user/2/connection/request/", DEFAULT_MAX_BODY_BYTES),
        ("GET", "/api/v2/user/1/connections/", DEFAULT_MAX_BODY_BYTES),
    ],
)
def test_a_content_length_over_the_cap_is_413_and_nothing_is_read(method, path, cap):
    client = make_client(FakeGraph(), selfcommunity_webhook_secret="s")
    stream = CountingStream()
    resp = client.simulate_request(
        method,
        path,
        headers={**bearer(1), "Content-Length": str(50 << 20), "Content-Type": "application/json"},
        extras={"wsgi.input": stream},
    )
    assert resp.status_code == 413, resp.text
    assert resp.json == {
        "detail": f"The request body is larger than this route accepts ({cap} bytes)."
    }
    assert stream.served == 0


def test_a_body_within_the_cap_reaches_the_responder():
    body = b'{"users": [2, 3]}'
    resp = make_client(FakeGraph()).simulate_post(
        STATUSES, body=body, headers={**bearer(1), "Content-Type": "application/json"}
    )
    assert resp.status_code == 200 and set(resp.json["connection_statuses"]) == {"2", "3"}


def test_a_chunked_body_is_read_up_to_the_cap_and_no_further():
    stream = CountingStream()
    with pytest.raises(falcon.HTTPContentTooLarge):
        read_bounded(stream, 1000, None)
    assert stream.served == 1001


def test_a_chunked_body_within_the_cap_is_read_whole():
    assert read_bounded(io.BytesIO(b"abc"), 1000, None) == b"abc"


def test_a_stalled_body_is_408():
    with pytest.raises(falcon.HTTPError) as raised:
        read_bounded(StalledStream(), 1000, 10)
    assert raised.value.status_code == 408

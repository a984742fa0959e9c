"""Work deferred by a request runs when its response is closed, once, whatever fails."""

from service.cache.deferral import defer, respond_then_run


def test_outside_a_request_work_runs_at_once():
    done = []
    defer(lambda: done.append(1))
    assert done == [1]


def test_inside_a_request_work_runs_when_the_response_is_closed():
    done = []

    def app(environ, start_response):
        defer(lambda: done.append("fill"))
        defer(lambda: 1 / 0)  # a failing fill is logged, not raised to the server
        defer(lambda: done.append("second"))
        start_response("200 OK", [])
        return [b"body"]

    body = respond_then_run(app, {}, lambda *a: None)
    assert list(body) == [b"body"] and done == []
    body.close()  # type: ignore[attr-defined]
    assert done == ["fill", "second"]
    defer(lambda: done.append("after"))  # the request is over: at once again
    assert done == ["fill", "second", "after"]

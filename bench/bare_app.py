"""Baseline (b): Falcon under gunicorn returning a fixed connections page, no database.

Served with the same gunicorn config as the real service so the only difference is the work
behind the response. The page is a real one captured from the endpoint when BENCH_PAGE_FILE
points at it, else a synthetic page of 20 full User objects.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import falcon

from service.api.app import json_handler


def _synthetic_page() -> dict:
    user = {
        "id": 1,
        "username": "user_1",
        "real_name": "User One",
        "email": None,
        "email_isvalid": None,
        "date_joined": "2020-01-01T00:00:00Z",
        "bio": "",
        "location": "",
        "location_lat_lng": "",
        "position_lat_lng": "",
        "date_of_birth": None,
        "description": "",
        "gender": "Unspecified",
        "status": "a",
        "website": "",
        "avatar": None,
        "cover": None,
        "ext_id": None,
        "tags": [],
        "reputation": 0,
        "connection_status": None,
        "connection_requests_sent_counter": 0,
        "connection_requests_received_counter": 0,
        "connections_counter": 10,
        "posts_counter": 0,
        "discussions_counter": 0,
        "statuses_counter": 0,
        "polls_counter": 0,
    }
    results = [dict(user, id=i, username=f"user_{i}") for i in range(1, 21)]
    return {
        "count": 100,
        "next": "http://127.0.0.1:8000/api/v2/user/1/connections/?limit=20&offset=20",
        "previous": None,
        "results": results,
    }


class FixedPageResource:
    def __init__(self, page: dict):
        self.page = page

    def on_get(self, req: falcon.Request, resp: falcon.Response, user_id: str) -> None:
        resp.media = self.page


class LiveResource:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"status": "ok"}


def create_bare_app() -> falcon.App:
    page_file = os.environ.get("BENCH_PAGE_FILE")
    page = json.loads(Path(page_file).read_text()) if page_file else _synthetic_page()
    app = falcon.App()
    app.req_options.strip_url_path_trailing_slash = True
    handler = json_handler()  # the real app's orjson handler: same serialization cost
    app.req_options.media_handlers[falcon.MEDIA_JSON] = handler
    app.resp_options.media_handlers[falcon.MEDIA_JSON] = handler
    app.add_route("/api/v2/user/{user_id}/connections", FixedPageResource(page))
    app.add_route("/health/live", LiveResource())
    app.add_route("/health/ready", LiveResource())  # the launcher waits for it
    return app

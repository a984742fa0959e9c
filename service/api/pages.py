"""The pages for people: `/`, the API docs (`/api/v2/docs/`) and the explorer (`/explore/`).

Static HTML, CSS and JavaScript under `static/`, served by the service itself with the vendored
libraries (`make assets`): nothing is fetched from anywhere else at run time, which the
Content-Security-Policy states to the browser too.
"""

from __future__ import annotations

from pathlib import Path

import falcon

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_PREFIX = "/static/"

# Same origin only. Inline styles: Swagger UI and Cytoscape set style attributes.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
PAGES = {
    "/": "index.html",
    "/api/v2/docs/": "docs/index.html",
    "/explore/": "explore/index.html",
}


class PageResource:
    """One HTML page, read once at start."""

    def __init__(self, path: Path):
        self.html = path.read_bytes()

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.data = self.html
        resp.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.set_header("Referrer-Policy", "no-referrer")
        resp.cache_control = ["no-cache"]


class RedirectResource:
    """The bare form of a page's path: a permanent redirect to the canonical one."""

    def __init__(self, location: str):
        self.location = location

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        query = f"?{req.query_string}" if req.query_string else ""
        raise falcon.HTTPMovedPermanently(self.location + query)


def add_page_routes(app: falcon.App) -> None:
    """The three pages, and `/static/` for their CSS, JavaScript and vendored libraries."""
    for path, name in PAGES.items():
        app.add_route(path, PageResource(STATIC_DIR / name))
        if path != "/":
            app.add_route(path.rstrip("/"), RedirectResource(path))
    app.add_static_route(STATIC_PREFIX, str(STATIC_DIR))

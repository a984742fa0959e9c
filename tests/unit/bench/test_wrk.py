"""bench.toolkit.wrk: the one wrk run behind bench.deep, bench.cache and bench.peer."""

from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.toolkit.wrk import parse, wrk

REPORT = """Running 1s test @ http://127.0.0.1:22001/
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    11.87ms   27.25ms 143.86ms   88.68%
    Req/Sec     1.07k     0.85k    1.98k    40.00%
  Latency Distribution
     50%  459.00us
     75%    3.79ms
     90%   45.58ms
     99%    1.20s
  1058 requests in 1.00s, 537.27KB read
  Non-2xx or 3xx responses: 17
Requests/sec:   1057.50
Transfer/sec:    537.01KB
"""


def test_the_report_gives_rate_percentiles_in_ms_and_failures():
    rps, p50, p99, failed = parse(REPORT)
    assert (rps, failed) == (1057.5, 17)
    assert p50 == pytest.approx(0.459) and p99 == pytest.approx(1200.0)
    assert parse(REPORT.replace("  Non-2xx or 3xx responses: 17\n", ""))[3] == 0


def test_a_report_without_figures_is_an_error_not_a_zero():
    with pytest.raises(ValueError, match="Requests/sec"):
        parse("unable to connect to 127.0.0.1:9 Connection refused")


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_wrk_requests_random_lines_of_the_paths_file(tmp_path):
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # wrk drops its connections when its time is up

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        paths = tmp_path / "paths.txt"
        paths.write_text("/a\n/b\n")
        rps, p50, p99 = wrk(f"http://127.0.0.1:{server.server_port}", paths, 1, 1)
    finally:
        server.shutdown()
        server.server_close()
    assert rps > 0 and 0 < p50 <= p99
    assert set(seen) == {"/a", "/b"}
    assert (tmp_path / "paths.lua").exists()

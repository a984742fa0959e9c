"""Hostile clients against gunicorn: 50 MB posts, trickling connections, a flooding user.

Three measurements against one gunicorn (the project's worker, 2 workers x 4 threads) over the
demo community (instance `bench-abuse`) and a managed Redis of its own:

1. **Big posts**: `--posts` posts of 50 MB to every body-taking route, each on its own
   connection, the body sent in the background: the time from the head to the `413` status
   line, and the workers' RSS before and after.
2. **Tricklers**: `--tricklers` connections sending one header byte every `--drip` seconds,
   each reopened when the server closes it, for `--trickle-seconds`; meanwhile an honest
   client GETs a page and `/health/live` in turn. Its p99 then, against a quiet run of the
   same client just before; and how many trickling connections the server closed.
3. **Floods**: one user at 10x their reads budget, then one anonymous address at 10x, while
   `--others` other users read at a modest rate: the flooder's share of 429s (and that each
   carries Retry-After, RateLimit-Policy and RateLimit), and the others' p99 against a quiet
   run of the same others just before.

    python -m bench.abuse --record                 # the full version (`make bench-abuse`)
    python -m bench.abuse --short --record         # about a minute and a half
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from bench.common import quiet_gunicorn, sample_users
from bench.toolkit.http import call
from bench.toolkit.instances import bench_ports, own_neo4j
from bench.toolkit.results import command_line, json_block, record
from bench.toolkit.stats import percentile
from service.config import RedisServerSettings, Settings
from service.domain.auth import mint_token
from service.ingest.loading import ensure_demo
from service.ops.redis_server import LocalRedis
from service.webhooks import signature

SECRET = "bench-abuse-secret-0123456789abcdef0123"
WEBHOOK_SECRET = "bench-abuse-webhook-secret"
BIG = 50 << 20
READS_PER_SECOND = 10  # the budget under test: RATE_LIMIT_READS=10/second
USERS: list[int] = []  # the demo's users, sampled at start: whose pages are read


def abuse_settings() -> Settings:
    """The `bench-abuse` instance (started if needed) holding the demo community."""
    server, settings = own_neo4j(
        "bench-abuse",
        *bench_ports(),
        NEO4J_HEAP=os.environ.get("NEO4J_HEAP", "1g"),
        NEO4J_PAGECACHE=os.environ.get("NEO4J_PAGECACHE", "512m"),
    )
    server.start()
    ensure_demo(settings, progress=False)
    return settings


def own_redis() -> LocalRedis:
    port = int(os.environ.get("BENCH_REDIS_PORT", "6389"))
    redis = LocalRedis(RedisServerSettings.own_instance("bench-abuse", port))
    redis.start()
    return redis


def rss_mib(pids: list[int]) -> float:
    """The summed resident memory of `pids`, MiB."""
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def address(base: str) -> tuple[str, int]:
    host, port = base.removeprefix("http://").split(":")
    return host, int(port)


def big_post(base: str, path: str, headers: dict[str, str]) -> tuple[int | str, float]:
    """`(status, seconds from the head to the status line)` of one 50 MB post."""
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {BIG}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    sock = socket.create_connection(address(base), timeout=10)

    def send_body() -> None:
        chunk = b"0" * (1 << 20)
        try:
            for _ in range(BIG // len(chunk)):
                sock.sendall(chunk)
        except OSError:
            pass  # refused and closed: the point

    started = time.perf_counter()
    sock.sendall(head.encode())
    sender = threading.Thread(target=send_body, daemon=True)
    sender.start()
    answer = b""
    try:
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    except OSError as exc:
        return type(exc).__name__, time.perf_counter() - started
    elapsed = time.perf_counter() - started
    sock.close()
    sender.join(timeout=10)
    status = answer.split(b" ", 2)[1].decode() if answer.count(b" ") >= 2 else "no answer"
    return int(status) if status.isdigit() else status, elapsed


def measure_big_posts(app, tokens: list[str], posts: int) -> dict:
    """`posts` 50 MB posts to each body-taking route, the i-th as the i-th user (cycling): the
    body cap is measured, not the rate limit (one user posting 20 times in a second would get
    429s from the limiter, which refuses before any body is read too)."""
    webhook_sig = signature.sign(WEBHOOK_SECRET, b"")

    def routes(token: str) -> dict[str, dict[str, str]]:
        return {
            "/api/v2/user/connection/statuses/": {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
            },
            "/webhooks/selfcommunity/": {
                "SelfCommunity-Signature": webhook_sig,
                "Content-Type": "application/json",
            },
            "/api/v2/user/2/connection/request/": {"Authorization": f"Bearer {token}"},
        }

    before = rss_mib(app.worker_pids())
    figures: dict = {"rss_before_mib": round(before, 1)}
    for path in routes(tokens[0]):
        results = [
            big_post(app.base, path, routes(tokens[i % len(tokens)])[path]) for i in range(posts)
        ]
        times = [t for _, t in results]
        figures[path] = {
            "statuses": sorted({str(s) for s, _ in results}),
            "p50_ms": round(percentile(times, 0.5) * 1000, 1),
            "max_ms": round(max(times) * 1000, 1),
        }
    after = rss_mib(app.worker_pids())
    figures["rss_after_mib"] = round(after, 1)
    figures["rss_growth_mib"] = round(after - before, 1)
    return figures


class Honest:
    """A client GETting `paths` in turn, one fresh connection each, every `pause` seconds."""

    def __init__(self, base: str, paths: list[str], headers: dict, pause: float):
        self.base, self.paths, self.headers, self.pause = base, paths, headers, pause
        self.latencies: list[float] = []
        self.failures: list[str] = []

    def run(self, seconds: float) -> Honest:
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end:
            reply = call(self.base + self.paths[n % len(self.paths)], headers=self.headers)
            n += 1
            self.latencies.append(reply.seconds)
            if reply.outcome != 200:
                self.failures.append(str(reply.outcome))
            time.sleep(self.pause)
        return self

    def summary(self) -> dict:
        return {
            "requests": len(self.latencies),
            "p50_ms": round(percentile(self.latencies, 0.5) * 1000, 1),
            "p99_ms": round(percentile(self.latencies, 0.99) * 1000, 1),
            "max_ms": round(max(self.latencies) * 1000, 1),
            "non_200": len(self.failures),
            "non_200_kinds": dict(Counter(self.failures)),
        }


def tricklers(base: str, count: int, drip: float, stop: threading.Event, out: dict) -> None:
    """`count` trickling connections, each reopened when the server closes it."""
    open_at: dict[socket.socket, float] = {}
    lifetimes: list[float] = []

    def opened() -> socket.socket:
        sock = socket.create_connection(address(base), timeout=5)
        sock.sendall(b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        sock.setblocking(False)
        open_at[sock] = time.monotonic()
        return sock

    socks = [opened() for _ in range(count)]
    while not stop.wait(drip):
        for i, sock in enumerate(socks):
            closed = False
            try:
                if sock.recv(1) == b"":
                    closed = True
            except BlockingIOError:
                try:
                    sock.send(b"a")
                except OSError:
                    closed = True
            except OSError:
                closed = True
            if closed:
                lifetimes.append(time.monotonic() - open_at.pop(sock))
                sock.close()
                socks[i] = opened()
    for sock in socks:
        sock.close()
    out["closed_by_server"] = len(lifetimes)
    out["lifetime_p50_s"] = round(percentile(lifetimes, 0.5), 1) if lifetimes else None


def measure_tricklers(app, token: str, count: int, drip: float, seconds: float) -> dict:
    paths = [f"/api/v2/user/{USERS[0]}/connections/?limit=20", "/health/live"]
    headers = {"Authorization": f"Bearer {token}"}
    quiet = Honest(app.base, paths, headers, 0.05).run(min(seconds, 15))
    stop, out = threading.Event(), {}
    attack = threading.Thread(target=tricklers, args=(app.base, count, drip, stop, out))
    attack.start()
    time.sleep(1)  # every trickler connected
    during = Honest(app.base, paths, headers, 0.05).run(seconds)
    stop.set()
    attack.join()
    return {"quiet": quiet.summary(), "during": during.summary(), **out}


def flooder(base: str, headers: dict, rate: float, stop: threading.Event, out: dict) -> None:
    """GET at `rate` per second from 8 threads; counts answers and checks each 429's headers."""
    counts: dict[str, int] = {}
    bad_429 = 0
    lock = threading.Lock()
    interval = 8 / rate

    def loop() -> None:
        nonlocal bad_429
        while not stop.is_set():
            t0 = time.monotonic()
            reply = call(base + f"/api/v2/user/{USERS[0]}/connections/?limit=5", headers=headers)
            with lock:
                counts[str(reply.outcome)] = counts.get(str(reply.outcome), 0) + 1
                if reply.outcome == 429:
                    h = reply.headers
                    if not (h and h["Retry-After"] and h["RateLimit-Policy"] and h["RateLimit"]):
                        bad_429 += 1
            time.sleep(max(0.0, interval - (time.monotonic() - t0)))

    threads = [threading.Thread(target=loop) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.update(answers=counts, limited_without_headers=bad_429)


def others_read(base: str, tokens: list[str], seconds: float) -> dict:
    """Each token's user reads a random page every 0.25 s, all at once; their latencies."""
    readers = [
        Honest(
            base,
            [f"/api/v2/user/{random.choice(USERS)}/connections/?limit=20"],
            {"Authorization": f"Bearer {t}"},
            0.25,
        )
        for t in tokens
    ]
    threads = [threading.Thread(target=r.run, args=(seconds,)) for r in readers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    merged = Honest(base, [], {}, 0)
    for reader in readers:
        merged.latencies += reader.latencies
        merged.failures += reader.failures
    return merged.summary()


def measure_floods(app, tokens: list[str], flood_token: str, seconds: float) -> dict:
    figures = {"quiet": others_read(app.base, tokens, seconds)}
    for name, headers in (
        ("user flood", {"Authorization": f"Bearer {flood_token}"}),
        ("anonymous flood", {}),
    ):
        stop, out = threading.Event(), {}
        flood = threading.Thread(
            target=flooder, args=(app.base, headers, 10 * READS_PER_SECOND, stop, out)
        )
        flood.start()
        others = others_read(app.base, tokens, seconds)
        stop.set()
        flood.join()
        figures[name] = {"others": others, "flooder": out}
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20, help="50 MB posts per route")
    parser.add_argument("--tricklers", type=int, default=64)
    parser.add_argument("--drip", type=float, default=3.0, help="seconds between header bytes")
    parser.add_argument("--trickle-seconds", type=float, default=120)
    parser.add_argument("--flood-seconds", type=float, default=30)
    parser.add_argument("--others", type=int, default=4, help="users reading beside a flood")
    parser.add_argument("--short", action="store_true", help="posts 5, tricklers 30 s, floods 10 s")
    parser.add_argument("--record", action="store_true", help="append results to bench/RESULTS.md")
    args = parser.parse_args(argv)
    if args.short:
        args.posts, args.trickle_seconds, args.flood_seconds = 5, 30, 10
    settings = abuse_settings()
    redis = own_redis()
    users = [u["id"] for u in sample_users(settings, 50)]
    USERS[:] = users
    tokens = [mint_token(u, SECRET, ttl_seconds=3600) for u in users]
    env = {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_PASSWORD": settings.neo4j_password,
        "JWT_SECRET": SECRET,
        "REDIS_URL": redis.settings.url,
        "SELFCOMMUNITY_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "RATE_LIMIT_READS": f"{READS_PER_SECOND}/second",
        "RATE_LIMITS_ENABLED": "true",
    }
    figures = {}
    try:
        with quiet_gunicorn("service.api.app:create_app()", 2, env) as app:
            print("big posts ...", flush=True)
            figures["big posts"] = measure_big_posts(app, tokens, args.posts)
            print(figures["big posts"], flush=True)
            print("tricklers ...", flush=True)
            figures["tricklers"] = measure_tricklers(
                app, tokens[0], args.tricklers, args.drip, args.trickle_seconds
            )
            print(figures["tricklers"], flush=True)
            print("floods ...", flush=True)
            readers = tokens[1 : args.others + 1]
            figures["floods"] = measure_floods(app, readers, tokens[0], args.flood_seconds)
            print(figures["floods"], flush=True)
    finally:
        redis.stop()
    body = json_block(figures)
    print(body)
    if args.record:
        record(
            "Hostile clients",
            command_line("bench.abuse", argv),
            f"Data: the demo community (instance bench-abuse); 2 gthread workers x 4 threads "
            f"(GUNICORN_HEADER_TIMEOUT 10 s), RATE_LIMIT_READS={READS_PER_SECOND}/second, a "
            f"managed Redis of its own. Big posts: {args.posts} x 50 MB per route. Tricklers: "
            f"{args.tricklers} connections, a header byte every {args.drip} s, reopened when "
            f"closed, {args.trickle_seconds} s. Floods: {args.flood_seconds} s each at "
            f"{10 * READS_PER_SECOND}/s (10x the budget) beside {args.others} users reading "
            "every 0.25 s. Percentiles: bench.toolkit.stats.percentile.\n\n" + body,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

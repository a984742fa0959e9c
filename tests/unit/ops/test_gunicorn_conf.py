"""gunicorn config: one app (and driver) per worker after fork, closed when the worker exits."""

import importlib.util
from pathlib import Path
from types import SimpleNamespace

from service.api.app import create_app
from service.config import Settings
from tests.unit.fakes import FakeGraph

CONF = Path(__file__).resolve().parents[3] / "service" / "ops" / "gunicorn_conf.py"


def load_conf(monkeypatch, **env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bind_and_workers_from_env_and_no_preload(monkeypatch):
    conf = load_conf(monkeypatch, BIND="127.0.0.1:9999", WEB_CONCURRENCY="3")
    assert (conf.bind, conf.workers, conf.preload_app) == ("127.0.0.1:9999", 3, False)


def test_worker_exit_closes_the_workers_driver(monkeypatch):
    closed = []
    graph = FakeGraph()
    graph.driver = SimpleNamespace(close=lambda: closed.append(True))
    app = create_app(Settings(jwt_secret="x" * 32), graph=graph)
    load_conf(monkeypatch).worker_exit(None, SimpleNamespace(wsgi=app))
    assert closed == [True]


def test_threaded_workers_keep_connections_alive_by_default(monkeypatch):
    # sync workers answer `Connection: close`; gthread keeps the client's connection (issue 12)
    for name in ("GUNICORN_WORKER_CLASS", "GUNICORN_THREADS", "GUNICORN_KEEPALIVE"):
        monkeypatch.delenv(name, raising=False)
    conf = load_conf(monkeypatch)
    assert (conf.worker_class, conf.threads) == ("gthread", 4) and conf.keepalive > 0

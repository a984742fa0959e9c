"""gunicorn config: one app (and driver) per worker after fork, closed when the worker exits."""

import importlib.util
from pathlib import Path
from types import SimpleNamespace

from service.api.app import create_app
from service.config import Settings
from tests.unit.fakes import FakeGraph

CONF = Path(__file__).resolve().parents[3] / "service" / "ops" / "gunicorn_conf.py"


def load_conf(monkeypatch, tmp_path=None, **env):
    # The conf sets PROMETHEUS_MULTIPROC_DIR in os.environ; monkeypatch restores it after.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path or Path("/nonexistent")))
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


def test_worker_class_threads_and_keepalive_from_env(monkeypatch):
    # gthread (the default) keeps the client's connection alive; sync answers Connection: close.
    # Both are gunicorn's own plus a drain of the backlog on SIGTERM (service/ops/worker.py).
    conf = load_conf(
        monkeypatch, GUNICORN_WORKER_CLASS="sync", GUNICORN_THREADS="3", GUNICORN_KEEPALIVE="7"
    )
    assert (conf.worker_class, conf.threads, conf.keepalive) == (
        "service.ops.worker.DrainingSyncWorker",
        3,
        7,
    )
    monkeypatch.delenv("GUNICORN_THREADS")
    assert load_conf(monkeypatch).threads == 1  # one per sync worker unless asked
    monkeypatch.setenv("GUNICORN_WORKER_CLASS", "gevent")  # any other class is passed through
    assert load_conf(monkeypatch).worker_class == "gevent"
    monkeypatch.delenv("GUNICORN_WORKER_CLASS")
    default = load_conf(monkeypatch)
    assert (default.worker_class, default.threads) == ("service.ops.worker.DrainingThreadWorker", 4)


def test_multiprocess_metrics_folder_is_kept_across_reloads(monkeypatch, tmp_path):
    conf = load_conf(monkeypatch, tmp_path)
    (tmp_path / "counter_1.db").write_bytes(b"")
    conf.on_starting(None)
    assert list(tmp_path.iterdir()) == []
    assert load_conf(monkeypatch, tmp_path).logconfig_dict["root"]["handlers"] == ["stderr"]


def test_multiprocess_folder_is_created_when_unset(monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", CONF)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    import os

    # Popped, not monkeypatch.delenv: that would restore the conf's folder after the test,
    # and later tests' gunicorn subprocesses would inherit it.
    folder = Path(os.environ.pop("PROMETHEUS_MULTIPROC_DIR"))
    assert folder.is_dir() and folder.name.startswith("connections-metrics-")
    folder.rmdir()

"""The load-test runner's guards and report parsing (Locust itself is not needed here)."""

import csv
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("loadtest_run", ROOT / "loadtest" / "run.py")
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)


@pytest.mark.parametrize(
    "host", ["http://127.0.0.1:8000", "http://localhost:8000", "http://127.0.0.5:9000"]
)
def test_loopback_hosts_are_allowed(host):
    run.ensure_loopback(host)


@pytest.mark.parametrize(
    "host", ["http://10.0.0.1:8000", "http://192.168.1.2", "http://8.8.8.8:80"]
)
def test_other_hosts_are_refused(host):
    with pytest.raises(SystemExit, match="loopback only"):
        run.ensure_loopback(host)


def test_reads_locusts_aggregated_row(tmp_path):
    stats = tmp_path / "x_stats.csv"
    with stats.open("w", newline="") as handle:
        writer = csv.DictWriter(
            handle,
            fieldnames=["Type", "Name", "Request Count", "Failure Count", "Requests/s", "50%"],
        )
        writer.writeheader()
        writer.writerow(
            {
                "Type": "GET",
                "Name": "first page",
                "Request Count": "5",
                "Failure Count": "0",
                "Requests/s": "1",
                "50%": "3",
            }
        )
        writer.writerow(
            {
                "Type": "",
                "Name": "Aggregated",
                "Request Count": "10",
                "Failure Count": "1",
                "Requests/s": "2.5",
                "50%": "4",
            }
        )
    row = run.read_aggregate(stats)
    assert row["Request Count"] == "10" and row["Failure Count"] == "1"


def test_every_scenario_has_a_locust_class():
    source = (ROOT / "loadtest" / "locustfile.py").read_text()
    for name, class_name in run.CLASS_NAMES.items():
        assert f"class {class_name}(_Base)" in source
        assert f'"{name}": {class_name}' in source
    assert set(run.SCENARIOS) == set(run.CLASS_NAMES)


def test_unknown_scenario_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        run.main(["--scenarios", "nope"])
    assert exc.value.code == 2
    assert "unknown scenario" in capsys.readouterr().err

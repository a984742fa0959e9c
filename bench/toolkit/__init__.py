"""What benchmarks and tests/e2e share, one concept per module (docs/bench-toolkit.md).

`ports` (free_port), `waiting` (wait_until), `http` (one call, its outcome classified),
`processes` (children in their own process group), `launcher` (the app under gunicorn, returned
warm), `instances` (a managed Neo4j of one's own), `stats` (the one percentile), `harness` (load
loops), `wrk` (wrk over a file of paths), `results` (appending to bench/RESULTS.md).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

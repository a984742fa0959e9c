# The two commands: `make run` serves the API, `make test` runs the whole suite.
# Both set up everything they need: the virtualenv, the Neo4j jars and a local Neo4j server.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: bench-analytics run serve bench-cache test assets bench-pages chromium loadtest bench bench-deep bench-recall bench-peer bench-abuse soak venv neo4j-start neo4j-stop neo4j-status redis-server redis-start redis-stop db-init demo clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

# The pages' third-party browser assets (docs/pages.md), pinned by web/package-lock.json and
# committed: `make run` never needs npm. Scripts off: no install hook (swagger-ui-dist's
# telemetry dependency) runs. Run again after changing a version in web/package.json.
VENDOR := service/api/static/vendor
assets:
	npm ci --prefix web --ignore-scripts --no-audit --no-fund
	mkdir -p $(VENDOR)/swagger-ui $(VENDOR)/cytoscape tests/browser/vendor
	cp web/node_modules/swagger-ui-dist/swagger-ui-bundle.js \
		web/node_modules/swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt \
		web/node_modules/swagger-ui-dist/LICENSE $(VENDOR)/swagger-ui/
	sed '/sourceMappingURL/d' web/node_modules/swagger-ui-dist/swagger-ui.css > $(VENDOR)/swagger-ui/swagger-ui.css
	cp web/node_modules/cytoscape/dist/cytoscape.min.js web/node_modules/cytoscape/LICENSE \
		$(VENDOR)/cytoscape/
	cp web/node_modules/axe-core/axe.min.js web/node_modules/axe-core/LICENSE tests/browser/vendor/

# The browser tests' Chromium: Debian's package (never a downloaded browser build), installed
# when missing like redis-server.
chromium:
	@command -v chromium >/dev/null || apt-get install -y chromium \
		|| { apt-get update && apt-get install -y chromium; }

neo4j-start: venv
	$(BIN)/connections neo4j start

neo4j-stop: venv
	$(BIN)/connections neo4j stop

neo4j-status: venv
	$(BIN)/connections neo4j status

# The cache's Redis (docs/cache.md): Debian's redis-server, installed when missing (needs root),
# run as the managed instance `dev` (REDIS_PORT, default 6379). With REDIS_URL set, none of this.
redis-server:
	@[ -n "$$REDIS_URL" ] || command -v redis-server >/dev/null || apt-get install -y redis-server \
		|| { apt-get update && apt-get install -y redis-server; }

redis-start: venv redis-server
	$(BIN)/connections redis start

redis-stop: venv
	$(BIN)/connections redis stop

db-init: neo4j-start
	$(BIN)/connections db init

# Loads the demo community only when the database has no users, then prints a curl and a token.
demo: db-init
	$(BIN)/connections demo

# The API under gunicorn, and beside it the webhook delivery worker and the suggestion refresh
# job (a pass every 10 minutes; see README "The suggestion endpoint"), stopped with it.
run: demo redis-start
	@$(BIN)/connections webhooks deliver & worker=$$!; \
	$(BIN)/connections suggestions refresh --every 600 & refresher=$$!; \
	trap 'kill $$worker $$refresher 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn -c service/ops/gunicorn_conf.py 'service.api.app:create_app()'

# One more API node (docs/cache.md#scale-out-n-stateless-api-nodes-one-redis-one-neo4j):
# gunicorn only (no managed servers, no demo load, no refresh job, no webhook worker), against
# the Neo4j and Redis the environment names: NEO4J_URI/NEO4J_PASSWORD, REDIS_URL, JWT_SECRET,
# BIND (default 127.0.0.1:8000), WEB_CONCURRENCY.
serve: venv
	$(BIN)/gunicorn -c service/ops/gunicorn_conf.py 'service.api.app:create_app()'

# Style and types first (seconds), then the suite against a real Neo4j and a real Redis (the
# tests start their own managed instances; redis-server is installed here when missing).
# The [spark] extra for the Spark engine's local-mode tests (pyspark: ~20 s to install here,
# Java 17 is a prerequisite already); `make run` never needs it.
SPARK_STAMP := $(VENV)/.installed-spark

$(SPARK_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,spark]'
	@touch $(SPARK_STAMP)

test: venv redis-server $(SPARK_STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

LOADTEST_STAMP := $(VENV)/.installed-loadtest

$(LOADTEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,loadtest]'
	@touch $(LOADTEST_STAMP)

# Needs the service running (`make run` in another terminal); see README "Load tests".
loadtest: $(LOADTEST_STAMP)
	$(BIN)/python loadtest/run.py

# Benchmarks run in their own managed Neo4j instance (`bench`, ports 7688/7475) with their own
# data; each appends its figures to bench/RESULTS.md. See README "Benchmarks".
bench: venv
	$(BIN)/python -m bench.overhead --processes 2 --seconds 10 --rounds 3 --record
	$(BIN)/python -m bench.cost_curves --repeat 15 --record

# The 1M-user / 10M-connection graph in its own instance (bench/toolkit/graphs.py, built once and
# shared by the benchmarks of that size, reused while its
# stamp matches): latency per kind of user and wrk throughput. Needs wrk (apt-get install -y
# wrk). bench-recall: the suggestions' recall@20 against the exact answers (~25 min: the exact
# query takes minutes for the supernodes). See README "Benchmarks".
# The explorer's first drawing in Chromium, a median user vs a 100k-connection supernode, on a
# generated 200k-user graph in the instance of its size (built once). See docs/pages.md.
bench-pages: venv chromium
	$(BIN)/python -m bench.pages --record

bench-deep: venv
	@command -v wrk >/dev/null || { echo "bench-deep needs wrk: apt-get install -y wrk"; exit 2; }
	$(BIN)/python -m bench.deep --record

# Hostile clients (docs/limits-and-abuse.md): 50 MB posts, 64 trickling connections for 2
# minutes, a user and an address flooding at 10x their budget (~5 min); `--short` for ~1.5 min.
bench-abuse: venv
	$(BIN)/python -m bench.abuse --record

# psycopg for the PostgreSQL peer (bench/postgres.py) of bench-peer and bench-cache.
PEER_STAMP := $(VENV)/.installed-peer

$(PEER_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,peer]'
	@touch $(PEER_STAMP)

# The cache (docs/cache.md): cached vs uncached vs a bare-Falcon page over HTTP (wrk) beside the
# PostgreSQL peer on the same graph, hit and miss at one client, writes, uniform and Zipf(1.1)
# mixes with 0.2% writes, Redis memory, CPU per request, the suggestions sweep and entry sizes
# (bench/cache_sweeps.py). On the 1M reference graph
# (bench/toolkit/graphs.py), or the managed instance NEO4J_INSTANCE when set
# (BENCH_BOLT_PORT/BENCH_HTTP_PORT). Needs root for apt (PostgreSQL; --skip-peer does without).
bench-cache: $(PEER_STAMP) redis-server
	@command -v wrk >/dev/null || { echo "bench-cache needs wrk: apt-get install -y wrk"; exit 2; }
	@ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || apt-get install -y postgresql
	$(BIN)/python -m bench.cache --record

bench-recall: venv
	$(BIN)/python -m bench.suggestion_recall --record

# PostgreSQL on the same deep graph, side by side with ours (bench-only; needs root for apt).
bench-peer: $(PEER_STAMP)
	@ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || apt-get install -y postgresql
	$(BIN)/python -m bench.peer --record

# 20 minutes (SOAK_SECONDS) of mixed load while Neo4j and gunicorn workers are SIGKILLed at
# random, in a throwaway `chaos` instance (CHAOS_BOLT_PORT/CHAOS_HTTP_PORT, default 7690/7477);
# judged afterwards and recorded in bench/RESULTS.md. See README "Operating it".
soak: venv
	$(BIN)/python -m bench.chaos soak --record

clean:
	rm -rf $(VENV) .pytest_cache

# Whole-graph analytics (issue 20): export, load, each algorithm, --write, Spark local mode and
# networkx on a 10x smaller graph, at 100k users in the instance of its size (bench/toolkit/graphs.py,
# BENCH_BOLT_PORT/BENCH_HTTP_PORT); figures appended to bench/RESULTS.md.
bench-analytics: $(SPARK_STAMP)
	$(BIN)/python -m bench.analytics --users 100000 --record

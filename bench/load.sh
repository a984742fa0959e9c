#!/usr/bin/env bash
# Benchmark: generate a community and load it into a FRESH managed instance (deleted first).
# Usage: bench/load.sh USERS AVG_DEGREE METHOD [SUPERNODES SUPERNODE_DEGREE]
#   METHOD: bulk | bolt | auto. Instance, ports and memory come from the environment
#   (defaults: instance `bench`, ports 37987/37774, heap 4g, page cache 4g).
# Prints the CLI's summary and /usr/bin/time's wall time and peak RSS of the Python process.
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${1:?users} AVG=${2:?avg degree} METHOD=${3:?method} SUPER=${4:-0} SUPER_DEG=${5:-0}
export NEO4J_INSTANCE=${NEO4J_INSTANCE:-bench}
export NEO4J_BOLT_PORT=${NEO4J_BOLT_PORT:-37987} NEO4J_HTTP_PORT=${NEO4J_HTTP_PORT:-37774}
export NEO4J_HEAP=${NEO4J_HEAP:-4g} NEO4J_PAGECACHE=${NEO4J_PAGECACHE:-4g}
unset NEO4J_URI NEO4J_PASSWORD
BIN=.venv/bin
case "$NEO4J_INSTANCE" in dev|test|"") echo "refusing to wipe instance '$NEO4J_INSTANCE'"; exit 2;; esac
$BIN/connections neo4j stop >/dev/null || true
rm -rf ".local/neo4j/instances/$NEO4J_INSTANCE"
$BIN/connections neo4j start >/dev/null
echo "== $(date -u +%FT%TZ) users=$USERS avg_degree=$AVG method=$METHOD supernodes=$SUPER x $SUPER_DEG"
/usr/bin/time -f "wall %e s, peak RSS of the CLI %M KiB" \
  $BIN/connections generate --users "$USERS" --avg-degree "$AVG" --seed 1 \
  --supernodes "$SUPER" --supernode-degree "$SUPER_DEG" --load --method "$METHOD" --no-progress
$BIN/connections neo4j stop >/dev/null

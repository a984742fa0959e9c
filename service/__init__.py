"""SelfCommunity's connection API served from Neo4j.

Entry points on top: `api` (HTTP) and `cli`; then `webhooks`, `ingest` and `analytics`; the rules
in `domain`; Neo4j in `graph`; `ops` runs the servers; `observability` and `config` serve all.
Each package's docstring has a `May import:` line: the one statement of what it may import,
which tests/unit/test_layers.py reads and enforces (no other import, and no cycle).
"""

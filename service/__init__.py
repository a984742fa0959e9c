"""SelfCommunity's connection API served from Neo4j.

Layers, each importing only those after it: `api` (HTTP) → `domain` (rules) → `graph` (Neo4j)
→ `config`. `cli` drives `ingest`, `analytics` and `ops` over `graph`; only `api.app` wires the
API. `tests/unit/test_layers.py` enforces this.
"""

"""The benchmarks' own servers against the real thing (PostgreSQL peer)."""

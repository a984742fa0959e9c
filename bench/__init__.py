"""Benchmarks, each run as `python -m bench.<name>`, and the toolkit they share with tests/e2e."""

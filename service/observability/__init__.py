"""Metrics (Prometheus, multiprocess under gunicorn) and structured JSON logs.

May import: nothing.
"""

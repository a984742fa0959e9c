"""Metrics (Prometheus, multiprocess under gunicorn) and structured JSON logs; imports nothing from service."""

"""Structured logs: one JSON object per line, carrying the request id of the request being served."""

from __future__ import annotations

import logging
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime

import orjson

# Set by the API's request middleware for the duration of one request (per thread).
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "fields", "request_id"}


def _stamp_request_id(factory):
    """Every record remembers the request it was logged for, whenever it is formatted."""

    def make_record(*args, **kwargs):
        record = factory(*args, **kwargs)
        record.request_id = REQUEST_ID.get()
        return record

    make_record.stamps_request_id = True  # type: ignore[attr-defined]
    return make_record


if not getattr(logging.getLogRecordFactory(), "stamps_request_id", False):
    logging.setLogRecordFactory(_stamp_request_id(logging.getLogRecordFactory()))


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "message", "request_id", ...extra}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["request_id"] = request_id
        entry.update(getattr(record, "fields", None) or {})
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return orjson.dumps(entry, default=str).decode()


def logconfig_dict(level: str = "INFO") -> dict:
    """`logging.config.dictConfig` input: JSON on stderr for the app and gunicorn alike."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": handler},
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {
            # gunicorn's own loggers, in the same format; its access log is ours instead.
            "gunicorn.error": {"level": level.upper(), "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},
            "neo4j": {"level": "WARNING", "handlers": [], "propagate": True},
        },
    }

"""LOG_FORMAT=json: every log line one JSON object (time, level, logger, message, request_id,
and the fields a line adds), for log shippers. uvicorn's own lines are rewritten the same way;
its access lines are replaced by ours (``superchart.access``: route template, status, duration,
client), which never hold a query string, so no token or key can ride along."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

import orjson

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

STANDARD_FIELDS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
LOGGERS = ("", "uvicorn", "uvicorn.error", "superchart.access")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id is not None:
            line["request_id"] = request_id
        for name, value in record.__dict__.items():
            if name not in STANDARD_FIELDS and not name.startswith("_"):
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


def use_json_logs() -> None:
    """Send every logger's lines through one JSON handler on stderr (uvicorn set up its own
    handlers before the app was imported: they are replaced)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
        if logger.level == logging.NOTSET or name == "superchart.access":
            logger.setLevel(logging.INFO)
    ours = logging.getLogger("app")  # our INFO lines (store ready, upstream reader), not libraries'
    if ours.level == logging.NOTSET:
        ours.setLevel(logging.INFO)
    access = logging.getLogger("uvicorn.access")
    access.handlers = []
    access.propagate = False
    access.disabled = True  # ours, with the request id and route, replaces it

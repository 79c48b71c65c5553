"""The service's logging: plain text or one JSON object a line, with the HTML libraries' messages in the same stream.

trafilatura (and htmldate, courlan, justext, which it calls) log about the pages
they read: an "empty HTML tree" is a fact about one document, not an error of the
service. Their records are passed on as ``cleaner.html.<library>`` at WARNING at
most (DEBUG and INFO only at ``--log-level DEBUG``), and Python warnings go to
``py.warnings``, all through the one handler.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

TEXT_FORMAT = "%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"
HTML_LIBRARIES = ("trafilatura", "htmldate", "courlan", "justext")
FORMATS = ("text", "json")


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, process, message, the record's ``fields``, any exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "process": record.process,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _Relay(logging.Handler):
    """Passes an HTML library's records on as ``cleaner.html.<library>``, WARNING at most."""

    def emit(self, record: logging.LogRecord) -> None:
        library = record.name.split(".", 1)[0]
        record.fields = {**getattr(record, "fields", {}), "source_logger": record.name}
        record.name = f"cleaner.html.{library}"
        record.levelno = min(record.levelno, logging.WARNING)
        record.levelname = logging.getLevelName(record.levelno)
        logging.getLogger(record.name).handle(record)


def configure(level: str, form: str) -> None:
    """Log to standard error at ``level`` as ``form`` (``text`` or ``json``)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if form == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.captureWarnings(True)
    relay = _Relay()
    for name in HTML_LIBRARIES:
        library = logging.getLogger(name)
        library.handlers[:] = [relay]
        library.propagate = False
        library.setLevel(logging.DEBUG if root.level <= logging.DEBUG else logging.WARNING)

"""Log formatting for production: one JSON object per line.

It lives outside the apps because logging is configured before they load.
"""

import datetime
import json
import logging

from api.keys import redact_keys


class JSONLogFormatter(logging.Formatter):
    """Log records as one JSON object per line, for log shippers."""

    FIELDS = ("request_id", "method", "path", "status", "duration_ms")

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(
                record.created, datetime.UTC
            ).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            {
                name: getattr(record, name)
                for name in self.FIELDS
                if hasattr(record, name)
            }
        )
        if record.exc_info:
            entry["exception"] = record.exc_text or self.formatException(
                record.exc_info
            )
        return json.dumps(entry, default=str)


class WarningWithoutTraceback(logging.Filter):
    """Lower a logger's records to WARNING and drop their traceback.

    For expected noise such as requests with a bad ``Host`` header, which
    scanners send all day: worth a line, not an error with a stack.
    """

    def filter(self, record):
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True


class SkipServiceUnavailable(logging.Filter):
    """Drop ``django.request``'s line for each 503.

    A 503 answers an outage, which logs one line per interval itself; the
    access log still has every request.
    """

    def filter(self, record):
        return getattr(record, "status_code", None) != 503


class RedactKeysFilter(logging.Filter):
    """Partner keys never reach a log: not in a message, its arguments or a traceback.

    On the handlers of Django's logging and on gunicorn's own loggers
    (rehabinfo.serving), so every layer's lines pass through it.
    """

    def filter(self, record):
        message = record.getMessage()
        redacted = redact_keys(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text rather than format the traceback again.
            record.exc_text = redact_keys(
                logging.Formatter().formatException(record.exc_info)
            )
        return True

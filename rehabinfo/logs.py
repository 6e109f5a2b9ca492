"""Log formatting for production: one JSON object per line.

It lives outside the apps because logging is configured before they load.
"""

import datetime
import json
import logging


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
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)

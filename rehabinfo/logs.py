"""Log formatting for production: one JSON object per line, written off the
request's thread.

It lives outside the apps because logging is configured before they load.
"""

import atexit
import copy
import datetime
import json
import logging
import os
import queue
import threading
from logging.handlers import QueueHandler, QueueListener

from partners.keys import redact_keys


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
        if record.exc_info or record.exc_text:
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


class BackgroundStreamHandler(QueueHandler):
    """A stream handler (stderr) whose lines are formatted and written by a
    thread of its own: a request only queues its access line.

    A write to stderr blocks when the reader behind it (a container runtime,
    a log shipper) falls behind, and the request that logs would wait with
    it. Filters still run on the logging thread, before the line is queued
    (partner keys never reach the queue); the formatter runs on the writer.

    The writer starts in each process on its first line (gunicorn forks its
    workers after loading the app) and drains the queue at exit.
    """

    def __init__(self, stream=None):
        super().__init__(queue.SimpleQueue())
        self.target = logging.StreamHandler(stream)
        self.listener: QueueListener | None = None
        self.listener_pid: int | None = None
        self.stopped_pid: int | None = None
        self.start_lock = threading.Lock()

    def setFormatter(self, fmt):
        self.target.setFormatter(fmt)

    def prepare(self, record):
        """The record with its message and traceback as text, ready to cross
        threads; its other attributes (the access line's fields) are kept."""
        record = copy.copy(record)
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = record.exc_text or logging.Formatter().formatException(
                record.exc_info
            )
            record.exc_info = None
        record.stack_info = None
        return record

    def emit(self, record):
        if self.stopped_pid == os.getpid():
            # At exit, after the writer stopped: write it here and now.
            self.target.handle(record)
            return
        if self.listener_pid != os.getpid():
            self.start_writer()
        super().emit(record)

    def start_writer(self) -> None:
        with self.start_lock:
            if self.listener_pid == os.getpid():
                return
            # A queue of this process's own: the parent's may have been
            # forked mid-use.
            self.queue = queue.SimpleQueue()
            self.listener = QueueListener(self.queue, self.target)
            self.listener.start()
            self.listener_pid = os.getpid()
            atexit.register(self.stop_writer)

    def stop_writer(self) -> None:
        """Write every queued line, then stop the writer."""
        with self.start_lock:
            if self.listener is not None and self.listener_pid == os.getpid():
                self.listener.stop()
            self.listener = self.listener_pid = None
            self.stopped_pid = os.getpid()

    def close(self):
        self.stop_writer()
        super().close()

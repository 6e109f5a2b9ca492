"""gunicorn's worker and logger for the production profile (gunicorn.conf.py).

- Errors gunicorn answers itself (a malformed request line or header, a
  request line or headers over the limits) are RFC 9457 problems, like the
  app's, for every path: most are found before the path is read, and a
  malformed request has no page to show anyway.
- A response never promises keep-alive on a connection the server is about
  to close. After a response gunicorn discards an unread body only up to
  64 KB (``_DRAIN_MAX_BYTES``) and otherwise closes, though it said
  keep-alive: a body larger than that, or of unknown length (chunked), gets
  ``Connection: close`` instead. This is what a 413 needs: its body is
  refused unread.
- Partner keys never reach gunicorn's own log lines (a malformed request
  line is logged as received).
"""

import json

from gunicorn import util
from gunicorn.glogging import Logger
from gunicorn.http.parser import _DRAIN_MAX_BYTES
from gunicorn.workers.gthread import ThreadWorker

from rehabinfo.logs import RedactKeysFilter

GUNICORN_ERROR_DETAILS = {
    400: "The request is not well-formed HTTP.",
    403: "The request was refused before it reached the application.",
    414: "The request line (method, address and query) is over the limit.",
    417: "The server cannot meet the request's Expect header.",
    431: "The request headers are over the limit, in size or number.",
    501: "The request's Transfer-Encoding is not supported.",
}


def write_problem(sock, status_int: int, reason: str, mesg: str) -> None:
    """Replaces gunicorn's ``util.write_error``, which writes an HTML page.

    ``mesg`` is not echoed: it can quote the request line, key and all.
    """
    # Imported here: the app (and its settings) is loaded after this module.
    from api.problems import PROBLEM_CACHE_CONTROL, PROBLEM_CONTENT_TYPE, problem

    detail = GUNICORN_ERROR_DETAILS.get(
        status_int, "The server failed to answer this request."
    )
    body = json.dumps(problem(status_int, detail)).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        f"Content-Type: {PROBLEM_CONTENT_TYPE}\r\n"
        f"Cache-Control: {PROBLEM_CACHE_CONTROL}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def body_may_outlast_the_drain(req) -> bool:
    """Whether the request body could be more than gunicorn drains after a response."""
    headers = dict(req.headers)
    if "chunked" in headers.get("TRANSFER-ENCODING", "").lower():
        return True
    return int(headers.get("CONTENT-LENGTH") or 0) > _DRAIN_MAX_BYTES


class ProblemWorker(ThreadWorker):
    """gunicorn's threaded worker, answering its own errors as problem details."""

    def init_process(self):
        # gunicorn 27 has no hook for its error answers; base.Worker.handle_error
        # writes them through this module attribute, in this worker process only.
        util.write_error = write_problem
        super().init_process()

    def handle_request(self, req, conn):
        if body_may_outlast_the_drain(req):
            req.force_close()
        return super().handle_request(req, conn)


class RedactingLogger(Logger):
    """gunicorn's logger with partner keys taken out of every line."""

    redact_keys = RedactKeysFilter()

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(self.redact_keys)

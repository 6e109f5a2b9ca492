"""WSGI entry point (gunicorn, runserver)."""

import io
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rehabinfo.settings")


class TerminatedInputMiddleware:
    """Give a body sent without Content-Length (chunked) a length Django can read.

    Django reads CONTENT_LENGTH bytes of ``wsgi.input`` and takes a request
    without one as bodiless, so a chunked body arrived empty. A server that
    ends the input at the end of the body says so with
    ``wsgi.input_terminated`` (gunicorn does); the body is then read here, up
    to one byte over DATA_UPLOAD_MAX_MEMORY_SIZE, and its length says whether
    rehabinfo.middleware.RequestSizeLimitMiddleware refuses it (413).
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if environ.get("wsgi.input_terminated") and not environ.get("CONTENT_LENGTH"):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            body = environ["wsgi.input"].read(-1 if limit is None else limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.application(environ, start_response)


application = TerminatedInputMiddleware(get_wsgi_application())

"""WSGI entry point (gunicorn, runserver)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rehabinfo.settings")

application = get_wsgi_application()

"""Settings of the bare floor: nothing but what Django needs to answer one view."""

import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "bench-bare-floor-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.bare.urls"
WSGI_APPLICATION = "bench.bare.wsgi.application"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True
# No log line per request: the floor is what Django itself costs.
LOGGING_CONFIG = None

"""Dates and times in the admin, shown and entered in the editor's time zone.

The admin's pages tell the browser's zone in a cookie (``editor_time_zone``,
set by content/static/content/editor-time-zone.js); this middleware activates
it for admin requests, so forms show and read local times and the database
keeps UTC. Without the cookie, or with an unknown zone, times are in UTC.
"""

import zoneinfo
from urllib.parse import unquote

from django.conf import settings
from django.utils import timezone

TIME_ZONE_COOKIE = "editor_time_zone"


def editor_time_zone(request) -> zoneinfo.ZoneInfo | None:
    # Browsers may send it percent-encoded ("America%2FNew_York").
    name = unquote(request.COOKIES.get(TIME_ZONE_COOKIE, ""))
    if not name or len(name) > 64:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class EditorTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_PATH

    def __call__(self, request):
        zone = (
            editor_time_zone(request)
            if request.path.startswith(self.admin_prefix)
            else None
        )
        if zone is None:
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)

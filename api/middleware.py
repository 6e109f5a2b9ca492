"""Version lifecycle headers of /api/v1/ responses."""

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.http import http_date


def parse_day(name: str, value: str) -> datetime.datetime | None:
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{name} must be an ISO date, e.g. 2027-06-30"
        ) from error
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


class VersionLifecycleMiddleware:
    """Add ``Deprecation`` (RFC 9745) and ``Sunset`` (RFC 8594) to /api/v1/ responses.

    Both stay absent until operators set API_V1_DEPRECATED_ON / API_V1_SUNSET_ON.
    """

    prefix = "/api/v1/"

    def __init__(self, get_response):
        self.get_response = get_response
        self.deprecated_at = parse_day(
            "API_V1_DEPRECATED_ON", settings.API_V1_DEPRECATED_ON
        )
        self.sunset_at = parse_day("API_V1_SUNSET_ON", settings.API_V1_SUNSET_ON)

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.prefix):
            if self.deprecated_at:
                response.headers["Deprecation"] = (
                    f"@{int(self.deprecated_at.timestamp())}"
                )
            if self.sunset_at:
                response.headers["Sunset"] = http_date(self.sunset_at.timestamp())
        return response

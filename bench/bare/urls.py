"""The bare floor's only URL (the same path as the product's stack floor)."""

from django.http import HttpResponse
from django.urls import path

# 12 bytes of JSON, constant: no serialisation, no database.
BODY = b'{"ok": true}'


def floor(request):
    return HttpResponse(BODY, content_type="application/json")


def ready(request):
    return HttpResponse(BODY, content_type="application/json")


urlpatterns = [
    path("bench/floor/", floor),
    # What bench.run waits for before loading any server.
    path("readyz", ready),
]

"""The project's URLs with the benchmark views mounted, as BENCHMARK_VIEWS=1 does."""

from django.urls import include, path

from rehabinfo.urls import (  # noqa: F401 (the error handlers are looked up here)
    handler400,
    handler403,
    handler404,
    handler500,
)
from rehabinfo.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("bench/", include("bench.urls")), *project_urlpatterns]

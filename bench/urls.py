"""Benchmark-only URLs, included under /bench/ when BENCHMARK_VIEWS is on."""

from django.urls import path

from . import views

app_name = "bench"

urlpatterns = [
    path("floor/", views.floor, name="floor"),
    path(
        "baseline/topics/<slug:slug>/",
        views.baseline_topic_detail,
        name="baseline-topic-detail",
    ),
]

"""URLs of API v1, mounted at /api/v1/ (URL-path versioning)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views
from .preview import PreviewView

app_name = "v1"

router = SimpleRouter()
router.register("topics", views.TopicViewSet, basename="topic")
router.register("comparisons", views.ComparisonViewSet, basename="comparison")
router.register("faqs", views.FAQViewSet, basename="faq")
router.register("resources", views.ResourceViewSet, basename="resource")

endpoints = [
    path("", views.RootView.as_view(), name="root"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("changes/", views.ChangesView.as_view(), name="changes"),
    path("snapshot/", views.SnapshotView.as_view(), name="snapshot"),
    path(
        "comparisons/<slug:slug>/assessment/",
        views.AssessmentView.as_view(),
        name="comparison-assessment",
    ),
    path("preview/<str:token>/", PreviewView.as_view(), name="preview"),
    *router.urls,
]

urlpatterns = [
    *endpoints,
    path(
        "schema/",
        views.SchemaView.as_view(urlconf="api.v1.schema_urlconf"),
        name="schema",
    ),
    # The split view serves its start-up script as a file, as a strict CSP needs.
    path(
        "docs/",
        views.SwaggerView.as_view(url_name="v1:schema"),
        name="swagger-ui",
    ),
    path(
        "redoc/",
        views.RedocView.as_view(url_name="v1:schema", template_name="api/redoc.html"),
        name="redoc",
    ),
]

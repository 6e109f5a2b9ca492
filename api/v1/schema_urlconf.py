"""URLconf that the v1 schema is generated from: v1's endpoints at their public paths.

Generating from this, not the project URLconf, keeps a later v2 out of v1's
contract.
"""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("api.v1.urls"))]

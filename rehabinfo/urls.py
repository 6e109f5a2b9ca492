from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from api import problems
from rehabinfo import health

admin.site.site_header = "Rehabinfo editorial admin"
admin.site.site_title = "Rehabinfo admin"
admin.site.index_title = "Content"
# "View site": the public site when there is one, else the reader pages.
admin.site.site_url = settings.PUBLIC_SITE_URL or "/"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", include("api.v1.urls")),
    path("embed/v1/", include("embed.urls")),
    # Anything else under /api/ is a problem-details 404, never an HTML page.
    re_path(r"^api/", csrf_exempt(problems.not_found)),
    path(settings.ADMIN_PATH, admin.site.urls),
    # Partners' own pages: usage, allowed origins, keys (partners/).
    path("partners/", include("partners.urls")),
    # Last: reader pages, sitemap, robots.txt, llms.txt and oEmbed at the root.
    path("", include("pages.urls")),
]

if settings.BENCHMARK_VIEWS:
    # Reference views of `make bench` (bench/views.py), never in production.
    urlpatterns.insert(0, path("bench/", include("bench.urls")))

handler400 = problems.bad_request
handler403 = problems.permission_denied
handler404 = problems.not_found
handler500 = problems.server_error

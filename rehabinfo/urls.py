from django.conf import settings
from django.contrib import admin
from django.urls import path

admin.site.site_header = "Rehabinfo editorial admin"
admin.site.site_title = "Rehabinfo admin"
admin.site.index_title = "Content"

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
]

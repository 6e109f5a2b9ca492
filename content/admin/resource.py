"""Where to get help: helplines, treatment locators and organisations."""

from django.contrib import admin

from content.admin.workflow import (
    PUBLICATION_COLUMNS,
    PUBLICATION_FIELDSETS,
    PublishableAdmin,
)
from content.models import Resource


@admin.register(Resource)
class ResourceAdmin(PublishableAdmin):
    title_field = "name"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "kind",
                    "region",
                    "phone",
                    "text_number",
                    "url",
                    "availability",
                    "description",
                    "keywords",
                ]
            },
        ),
        *PUBLICATION_FIELDSETS,
    ]
    slug_sources = {"slug": ("name",)}
    list_display = ["name", "kind", "region", *PUBLICATION_COLUMNS]
    list_filter = [*PublishableAdmin.list_filter, "kind", "region"]
    list_select_related = ["reviewed_by"]
    search_fields = ["name", "slug", "description", "keywords", "phone", "url"]

"""Topic pages with their sections and FAQs, and the sources they cite."""

from django.contrib import admin

from content.admin.workflow import (
    PUBLICATION_COLUMNS,
    PUBLICATION_FIELDSETS,
    PartAdmin,
    PartInline,
    PublishableAdmin,
    SharedRowAdmin,
    admin_link,
)
from content.models import FAQ, Section, Source, Topic


class SectionInline(PartInline, admin.StackedInline):
    model = Section
    fields = [("position", "heading", "anchor"), "body"]
    prepopulated_fields = {"anchor": ("heading",)}


class FAQInline(admin.TabularInline):
    """The topic's FAQs, listed; each is an item with its own review and
    revisions, so it is edited on its own page (the row's link)."""

    model = FAQ
    fields = ["position", "question", "status"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    verbose_name_plural = "FAQs (each is edited and reviewed on its own page)"

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(PublishableAdmin):
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "parent"]}),
        (
            "Sources and related topics",
            {
                "fields": ["sources", "related_topics"],
                "description": "Type to find a source; “+” adds a new one.",
            },
        ),
        *PUBLICATION_FIELDSETS,
    ]
    slug_sources = {"slug": ("title",)}
    # Sources are shared by many pages, so the topic picks them (or adds one
    # with “+”) instead of owning them in an inline.
    autocomplete_fields = ["parent", "related_topics", "sources"]
    inlines = [SectionInline, FAQInline]
    list_display = ["title", "parent", *PUBLICATION_COLUMNS]
    list_select_related = ["parent", "reviewed_by"]
    search_fields = ["title", "slug", "summary", "body"]


@admin.register(Section)
class SectionAdmin(PartAdmin):
    page_path = "topic"
    fields = ["topic", "position", "heading", "anchor", "body"]
    autocomplete_fields = ["topic"]
    list_display = ["heading", "topic", "position"]
    list_select_related = ["topic"]
    search_fields = ["heading", "anchor", "body", "topic__title"]


@admin.register(Source)
class SourceAdmin(SharedRowAdmin):
    fields = ["title", "publisher", "url", "statement"]
    list_display = ["title", "publisher", "url"]
    search_fields = ["title", "publisher", "url", "statement"]

    def get_deleted_objects(self, objs, request):
        # Citations are many-to-many links, which Django would remove silently.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        citing = [
            admin_link(item) for source in objs for item in source.showing_items()
        ]
        return deleted, counts, perms_needed, [*protected, *citing]


@admin.register(FAQ)
class FAQAdmin(PublishableAdmin):
    title_field = "question"
    fieldsets = [
        (None, {"fields": ["topic", "comparison", "position", "question", "answer"]}),
        *PUBLICATION_FIELDSETS,
    ]
    autocomplete_fields = ["topic", "comparison"]
    list_display = ["question", "topic", "comparison", *PUBLICATION_COLUMNS]
    list_filter = [
        *PublishableAdmin.list_filter,
        ("topic", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["topic", "comparison", "reviewed_by"]
    search_fields = ["question", "answer"]

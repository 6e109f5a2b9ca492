"""Topic pages with their sections and FAQs, and the sources they cite."""

from django import forms
from django.contrib import admin
from django.db import models

from content.admin.workflow import (
    PUBLICATION_COLUMNS,
    PUBLICATION_FIELDSETS,
    EditorialForm,
    PartAdmin,
    PartInline,
    PublishableAdmin,
    SharedRowAdmin,
    admin_link,
)
from content.editorial import can_edit_content
from content.models import FAQ, Section, Source, Topic


class SectionInline(PartInline, admin.StackedInline):
    model = Section
    fields = [("position", "heading", "anchor"), "body"]
    prepopulated_fields = {"anchor": ("heading",)}


class FAQRowForm(EditorialForm):
    """An FAQ on its topic's page; read-only if the user may not edit it.

    FAQs have their own status, so a published FAQ under a draft topic stays
    out of an editor's reach here too.
    """

    user = None  # set for each request by FAQInline.get_formset

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_edit_content(self.user, self.instance):
            for field in self.fields.values():
                field.disabled = True


class FAQInline(PartInline, admin.TabularInline):
    model = FAQ
    form = FAQRowForm
    fields = ["position", "question", "answer", "status"]
    # The status changes on the FAQ's own page or with the list's actions.
    readonly_fields = ["status"]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 50})}
    }

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = type("FAQRowForm", (self.form,), {"user": request.user})
        return super().get_formset(request, obj, **kwargs)


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

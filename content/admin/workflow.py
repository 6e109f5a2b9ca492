"""The editorial workflow in the admin: roles, statuses, reviews and history.

The base classes here enforce on the server the rules of ``content.editorial``:

- the status field offers only Draft and In review, so a posted “published”
  fails validation: publishing is an action that checks the medical review;
- live and archived items are read-only to everyone (publishers keep their
  schedule and navigation links); a revision only to its holder; review
  fields are never in a form (``content.admin.revisions`` records reviews);
- the parts of a page (sections, options, criteria...) are editable only while
  the page's content is, in inlines and on their own admin pages alike;
- actions need ``publish_<model>``;
- reverting to an old version needs the right to edit the item's content now,
  and never publishes.

Permissions follow the item as saved (``saved_status``), not the instance at
hand: the history views pass an old version, whose status may be another.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, model_ngettext, unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Case, When
from django.http import Http404, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from content import revisions
from content.admin.revisions import (
    RevisionAdminMixin,
    review_status_text,
    revision_state_label,
)
from content.diffs import word_diff
from content.editorial import (
    REVIEW_FIELDS,
    allowed_statuses,
    can_change_shared,
    can_edit_content,
    can_publish,
)
from content.language import TARGET_GRADE, reading_grade, stigmatising_terms
from content.models import (
    PublicationState,
    PublicationStatus,
    Publishable,
    Reviewer,
    StigmatisingTerm,
)
from content.models.publication import CHANGE_REASON_MAX_LENGTH, DRAFTING_STATUSES
from content.rendering import MARKDOWN_HELP, markdown_warnings

# Not reviewed content: publishers set these on live items too. Related
# topics are symmetrical navigation links, kept on items, not in revisions.
SCHEDULE_FIELDS = ["publish_at", "unpublish_at"]
NAVIGATION_FIELDS = ["related_topics"]
# Columns every list of publishable items shows.
PUBLICATION_COLUMNS = [
    "state",
    "reviewed_by",
    "last_reviewed_on",
    "next_review_due",
    "review_is_overdue",
    "updated_at",
]

PLAIN_LANGUAGE_FIELDSET = (
    "Plain language",
    {
        "fields": ["plain_language"],
        "description": "Reading grade and wording of the text as saved, parts "
        "included. Warnings only: nothing here blocks saving or publishing. "
        "Terms and their alternatives are kept under “Stigmatising terms”.",
    },
)


def plain_language_report(item: Publishable) -> dict:
    """Grade and stigmatising terms of an item's public text, for editors."""
    text = item.public_text()
    grade = reading_grade(text)
    return {
        "grade": grade,
        "target": TARGET_GRADE,
        "above_target": grade is not None and grade > TARGET_GRADE[1],
        "findings": stigmatising_terms(text, StigmatisingTerm.objects.all()),
    }


PUBLICATION_FIELDSETS = [
    (
        "Publication",
        {
            "fields": ["status", "publish_at", "unpublish_at"],
            "description": "Editors move drafts between Draft and In review. "
            "Publishers publish (now, or at the publish time set here), "
            "unpublish and archive. Live content is never edited: “Start a "
            "revision” makes a working copy that goes live when it is reviewed "
            "and published.",
        },
    ),
    (
        "Medical review",
        {
            "fields": ["review_summary", *REVIEW_FIELDS],
            "description": "Recorded by a medical reviewer from the preview "
            "(“Preview and review”), for exactly the content they read. Any "
            "change afterwards voids the review; publishing needs a valid one.",
        },
    ),
    ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
]


def saved_status(item: Publishable) -> str | None:
    """The status stored for the item, or None while it is not saved."""
    if item.pk is None:
        return None
    if not hasattr(item, "_saved_status"):
        item._saved_status = (
            type(item)
            ._default_manager.filter(pk=item.pk)
            .values_list("status", flat=True)
            .first()
        )
    return item._saved_status


def content_editable(user, item: Publishable | None) -> bool:
    """``can_edit_content`` judged on the item as saved."""
    if item is None:
        return True
    return can_edit_content(user, item, saved_status(item))


def follow(obj, path: str):
    """Follow a lookup path such as "option__comparison" from an object."""
    for name in filter(None, path.split("__")):
        obj = getattr(obj, name)
    return obj


def page_model(model, path: str):
    """The model a lookup path such as "option__comparison" leads to."""
    for name in filter(None, path.split("__")):
        model = model._meta.get_field(name).related_model
    return model


class EditorialForm(forms.ModelForm):
    """Admin form that shows model errors about read-only fields on the form.

    ``Model.clean()`` may name a field the user cannot edit (a medical reviewer
    clearing the review date of a published item gets an error on “status”);
    Django would fail on a form without that field.
    """

    def add_error(self, field, error):
        if field is None and hasattr(error, "error_dict"):
            by_field = {}
            for name, errors in error.error_dict.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                by_field.setdefault(key, []).extend(errors)
            error = ValidationError(by_field)
        super().add_error(field, error)


REASON_FIELDSET = (
    "Reason for this change",
    {
        "fields": ["change_reason"],
        "description": "Recorded with this version in the history, for "
        "reviewers and auditors.",
    },
)


class ChangeReasonForm(EditorialForm):
    """The item's form with the reason for the change, required once it exists."""

    change_reason = forms.CharField(
        label="Reason for this change",
        max_length=CHANGE_REASON_MAX_LENGTH,
        required=False,
        help_text="For example “Fix the dosage typo” or “Add SAMHSA 2026 figures”.",
    )

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and not cleaned_data.get("change_reason", "").strip():
            self.add_error(
                "change_reason",
                "Say why you are changing it: the reason is kept in the history.",
            )
        return cleaned_data


class ExtraRowsForm(EditorialForm):
    """Form whose extra fields edit rows of another model, saved after its own."""

    def save(self, commit=True):
        instance = super().save(commit=commit)
        if commit:
            self.save_extra_rows()
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_rows():
                save_m2m()
                self.save_extra_rows()

            self.save_m2m = save_m2m_and_rows
        return instance

    def save_extra_rows(self):
        raise NotImplementedError


class StateFilter(admin.SimpleListFilter):
    """Filter by where items really stand for readers: status and schedule."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return PublicationState.choices

    def queryset(self, request, queryset):
        if self.value() in PublicationState.values:
            return queryset.in_state(self.value())
        return queryset


class ReviewFilter(admin.SimpleListFilter):
    title = "medical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("never", "Never reviewed")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.review_overdue()
        if self.value() == "never":
            return queryset.filter(last_reviewed_on__isnull=True)
        return queryset


class MarkdownHelpMixin:
    """Markdown help beside every rich-text field, in pages and inlines alike."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in getattr(
            db_field.model, "markdown_fields", ()
        ):
            field.help_text = MARKDOWN_HELP
        return field


def warn_about_markdown(request, instances) -> None:
    """Tell the editor what sanitising will change, field by field; never block."""
    for instance in instances:
        for name in getattr(instance, "markdown_fields", ()):
            for warning in markdown_warnings(getattr(instance, name)):
                label = capfirst(instance._meta.get_field(name).verbose_name)
                messages.warning(request, f"“{instance}”, {label}: {warning}")


class WordDiffContextHelper(HistoricalRecordContextHelper):
    """History changes as word-level differences of the full text, never cut."""

    def stringify_delta_change_values(self, change, old, new):
        def text(value) -> str:
            if isinstance(value, list):
                return ", ".join(map(str, value))
            return "" if value is None else str(value)

        return word_diff(text(old), text(new))


class HistoryAdmin(MarkdownHelpMixin, SimpleHistoryAdmin):
    """History (who, when, what changed) with a revert that obeys the roles.

    simple-history's revert view checks only view-or-change permission and
    saves the whole old version, so a revert here needs the right to edit the
    item as it is now, or to add it again if it was deleted.
    """

    form = ChangeReasonForm
    object_history_template = "admin/content/object_history.html"
    # Addresses typed without a scheme are taken as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Long pages (a topic with its sections) need no scrolling to save.
    save_on_top = True

    def content_fieldsets(self, request, obj=None):
        return super().get_fieldsets(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(self.content_fieldsets(request, obj))
        if obj is not None and obj.pk and self.has_change_permission(request, obj):
            fieldsets.append(REASON_FIELDSET)
        return fieldsets

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason", "").strip()
        reverted = getattr(request, "reverting_to", None)
        if reverted is not None:
            when = date_format(
                timezone.localtime(reverted.history_date), "DATETIME_FORMAT"
            )
            reason = f"Reverted to the version of {when}: {reason}"
        obj._change_reason = (reason or "Created.")[:CHANGE_REASON_MAX_LENGTH]
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        # The page's parts are recorded with the page's reason.
        reason = getattr(form.instance, "_change_reason", None)
        for part_form in formset.forms:
            part_form.instance._change_reason = reason
        super().save_formset(request, form, formset, change)

    def get_historical_record_context_helper(self, request, historical_record):
        return WordDiffContextHelper(self.model, historical_record)

    def get_urls(self):
        opts = self.model._meta
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.history_compare_view),
            name=f"{opts.app_label}_{opts.model_name}_history_compare",
        )
        return [compare, *super().get_urls()]

    def history_compare_view(self, request, object_id):
        """Word-level differences between any two versions of the item."""
        history = self.model.history.filter(
            **{self.model._meta.pk.attname: self.history_object_id(object_id)}
        )
        try:
            older = history.get(history_id=request.GET.get("from"))
            newer = history.get(history_id=request.GET.get("to"))
        except (ValueError, history.model.DoesNotExist):
            return HttpResponseBadRequest("Choose two versions of this item.")
        if not self.has_view_history_or_change_history_permission(
            request, newer.instance
        ):
            raise PermissionDenied
        if older.history_date > newer.history_date:
            older, newer = newer, older
        helper = WordDiffContextHelper(self.model, newer)
        return TemplateResponse(
            request,
            "admin/content/history_compare.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "object_id": object_id,
                "item": newer.instance,
                "older": older,
                "newer": newer,
                "changes": helper.context_for_delta_changes(
                    newer.diff_against(older, foreign_keys_are_objs=True)
                ),
            },
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        saved = [form.instance]
        for formset in formsets:
            saved += [f.instance for f in formset.forms if f.has_changed()]
        warn_about_markdown(request, saved)

    def may_revert(self, request, obj) -> bool:
        return self.has_change_permission(request, obj)

    def revert_disabled(self, request, obj=None):
        return super().revert_disabled(request, obj) or not self.may_revert(
            request, obj
        )

    def history_object_id(self, object_id: str):
        """The item's key from a history URL; a malformed one is a 404, not a 500."""
        try:
            return self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError as error:
            raise Http404("No such item.") from error

    def history_view(self, request, object_id, extra_context=None):
        self.history_object_id(object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.history_object_id(object_id)
        if not version_id.isdigit():
            raise Http404("No such version.")
        # A revert is recorded as one, naming the version it restores.
        request.reverting_to = self.model.history.filter(history_id=version_id).first()
        if request.method == "POST":
            current = self.get_object(request, unquote(object_id))
            if current is None:
                allowed = self.has_add_permission(request)
            else:
                allowed = self.may_revert(request, current)
            if not allowed:
                raise PermissionDenied
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )


class ItemChangeList(ChangeList):
    """Lists show items; a revision is reached from its live item."""

    def get_queryset(self, request, exclude_parameters=None):
        return (
            super()
            .get_queryset(request, exclude_parameters=exclude_parameters)
            .filter(revision_of__isnull=True)
            # The state column names an open revision's state.
            .select_related("open_revision")
        )


class PublishableAdmin(RevisionAdminMixin, HistoryAdmin):
    """Admin for items with a status, a bound medical review and revisions."""

    actions = ["publish", "unpublish", "archive"]
    list_filter = [StateFilter, ReviewFilter]
    history_list_display = ["status"]
    change_form_template = "admin/content/change_form.html"
    # Matches in this field rank first when an item is picked by typing.
    title_field = "title"
    # Prepopulated slugs, offered only where the slug is editable. Not
    # ``prepopulated_fields``: simple-history's revert view reads that
    # attribute as is and fails when the slug is read-only.
    slug_sources: dict[str, tuple[str, ...]] = {}

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._saved_status = obj.status
        return obj

    def get_queryset(self, request):
        return super().get_queryset(request).with_live_flag()

    def get_changelist(self, request, **kwargs):
        return ItemChangeList

    def save_model(self, request, obj, form, change):
        if getattr(request, "reverting_to", None) is not None and (
            obj.status not in DRAFTING_STATUSES
        ):
            obj.status = PublicationStatus.DRAFT  # A revert never publishes.
        super().save_model(request, obj, form, change)

    def content_fieldsets(self, request, obj=None):
        zone = timezone.get_current_timezone_name()
        fieldsets = [
            (
                name,
                {
                    **options,
                    "description": f"{options['description']} Times are in {zone}.",
                },
            )
            if name == "Publication"
            else (name, options)
            for name, options in super().content_fieldsets(request, obj)
        ]
        return [*fieldsets, PLAIN_LANGUAGE_FIELDSET]

    @admin.display(description="plain language")
    def plain_language(self, obj):
        if obj is None or obj.pk is None:
            return "Shown once the item is saved."
        return render_to_string(
            "admin/content/plain_language.html", plain_language_report(obj)
        )

    @admin.display(description="review")
    def review_summary(self, obj):
        if obj is None or obj.pk is None:
            return "Not reviewed yet."
        return review_status_text(obj)

    def save_related(self, request, form, formsets, change):
        # The page and its parts are one change: graded and hashed once.
        with revisions.one_change():
            super().save_related(request, form, formsets, change)
        item = form.instance
        item.refresh_derived()
        item.refresh_from_db(fields=["content_hash", "reviewed_hash"])
        if change and item.reviewed_hash and not item.review_is_valid:
            messages.warning(
                request,
                f"“{item}” changed after its medical review of "
                f"{item.last_reviewed_on}: that review no longer applies, and "
                "publishing needs a new one.",
            )
        report = plain_language_report(item)
        if report["above_target"]:
            messages.warning(
                request,
                f"“{item}” reads at grade {report['grade']}; plain language is "
                f"grade {TARGET_GRADE[0]} to {TARGET_GRADE[1]}. Shorter sentences "
                "and everyday words bring it down.",
            )
        for finding in report["findings"]:
            messages.warning(
                request,
                f"“{item}” says “{finding.term}” ({finding.excerpt}); consider "
                f"{finding.suggestion}.",
            )

    @admin.display(description="state")
    def state(self, obj):
        state = obj.state()
        if state == PublicationState.SCHEDULED:
            when = date_format(timezone.localtime(obj.publish_at), "DATETIME_FORMAT")
            return f"Scheduled for {when} ({timezone.get_current_timezone_name()})"
        if state == PublicationState.LIVE_WITH_CHANGES:
            revision = obj.pending_revision()
            return f"{state.label} ({revision_state_label(revision)})"
        return state.label

    def view_on_site(self, obj):
        """The item's public page, while the public can see it."""
        return obj.get_absolute_url() if obj.is_public else None

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        term = search_term.strip()
        if term:
            # Pickers (autocomplete) keep this order; lists sort by their columns.
            title = self.title_field
            queryset = queryset.annotate(
                title_rank=Case(
                    When(**{f"{title}__iexact": term}, then=0),
                    When(**{f"{title}__istartswith": term}, then=1),
                    When(**{f"{title}__icontains": term}, then=2),
                    default=3,
                )
            ).order_by("title_rank", title, "pk")
        return queryset, may_have_duplicates

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # Publishers keep the schedule of items they cannot edit.
        return (
            obj is None
            or content_editable(request.user, obj)
            or can_publish(request.user, self.model)
        )

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_revision:
            return False  # Discarded with its own button, which keeps the thread.
        return super().has_delete_permission(request, obj) and content_editable(
            request.user, obj
        )

    def has_publish_permission(self, request):
        return can_publish(request.user, self.model)

    def may_revert(self, request, obj) -> bool:
        return super().may_revert(request, obj) and content_editable(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = [
            "created_at",
            "updated_at",
            "plain_language",
            "review_summary",
            *REVIEW_FIELDS,
        ]
        publisher = can_publish(request.user, self.model)
        if not publisher:
            readonly += SCHEDULE_FIELDS
        if obj is not None and obj.is_revision:
            readonly += NAVIGATION_FIELDS
        if obj is not None and not content_editable(request.user, obj):
            kept = SCHEDULE_FIELDS + (NAVIGATION_FIELDS if publisher else [])
            readonly += [
                name for name in flatten_fieldsets(self.fieldsets) if name not in kept
            ]
        return list(dict.fromkeys(readonly))

    def get_prepopulated_fields(self, request, obj=None):
        return self.slug_sources if content_editable(request.user, obj) else {}

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            allowed = allowed_statuses(request.user, self.model)
            kwargs["choices"] = [
                (value, label)
                for value, label in PublicationStatus.choices
                if value in allowed
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.display(boolean=True, description="review overdue")
    def review_is_overdue(self, obj):
        return obj.review_overdue

    @admin.action(
        description="Publish selected %(verbose_name_plural)s (medically approved "
        "content only; at its publish time if one is set)",
        permissions=["publish"],
    )
    def publish(self, request, queryset):
        published, refused = 0, []
        for item in queryset:
            try:
                revisions.publish(item, reason="Published.")
            except ValidationError as error:
                refused.append(f"“{item}”: {' '.join(error.messages)}")
                continue
            self.log_change(request, item, "Published.")
            published += 1
        if published:
            self.message_user(
                request,
                f"Published {published} {model_ngettext(self.opts, published)}.",
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request, "Not published: " + " ".join(refused), messages.ERROR
            )

    @admin.action(
        description="Unpublish selected %(verbose_name_plural)s (back to draft)",
        permissions=["publish"],
    )
    def unpublish(self, request, queryset):
        self.take_down(request, queryset, PublicationStatus.DRAFT, "Unpublished")

    @admin.action(
        description="Archive selected %(verbose_name_plural)s",
        permissions=["publish"],
    )
    def archive(self, request, queryset):
        self.take_down(request, queryset, PublicationStatus.ARCHIVED, "Archived")

    def take_down(self, request, queryset, status, done):
        # Taking content down is never blocked by unrelated validation errors,
        # so unlike publishing it skips full_clean().
        count = 0
        for item in queryset:
            item.status = status
            item._change_reason = f"{done}."
            item.save(update_fields=["status", "updated_at"])
            self.log_change(request, item, f"{done}.")
            count += 1
        self.message_user(
            request,
            f"{done} {count} {model_ngettext(self.opts, count)}.",
            messages.SUCCESS,
        )


class PartInline(MarkdownHelpMixin):
    """Inline parts of a page, editable only while the page's content is.

    ``page_path`` leads from the inline's parent object to its page; it is
    empty when the parent is the page.
    """

    page_path = ""
    form = EditorialForm
    extra = 0
    show_change_link = True

    def page_editable(self, request, parent) -> bool:
        return parent is None or content_editable(
            request.user, follow(parent, self.page_path)
        )

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self.page_editable(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.page_editable(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.page_editable(
            request, obj
        )


class PartAdmin(HistoryAdmin):
    """A part of a page on its own admin page: its history and deeper inlines.

    Parts are edited from their page, which links here, so they stay out of
    the admin index. ``page_path`` leads from the part to its page.
    """

    page_path: str

    def has_module_permission(self, request):
        return False

    def page_editable(self, request, obj) -> bool:
        return obj is None or content_editable(
            request.user, follow(obj, self.page_path)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.page_editable(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.page_editable(
            request, obj
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only pages the user may edit can receive a new or moved part: drafts,
        # and revisions they hold (``can_edit_content``).
        link, _, rest = self.page_path.partition("__")
        if db_field.name == link:
            page = f"{rest}__" if rest else ""
            kwargs["queryset"] = db_field.related_model._default_manager.filter(
                models.Q(**{f"{page}revision_of__isnull": True})
                | models.Q(**{f"{page}revision_opened_by": request.user}),
                **{f"{page}status__in": DRAFTING_STATUSES},
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def admin_link(item) -> str:
    """“Topic: Heroin rehab (Published)”, linking to the item's admin page."""
    opts = item._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])
    return format_html(
        '{}: <a href="{}">{}</a> ({})',
        capfirst(opts.verbose_name),
        url,
        item,
        item.get_status_display(),
    )


class SharedRowAdmin(HistoryAdmin):
    """Rows that published items show: cited sources, credited reviewers.

    While a published item shows the row, only those who may publish that
    item may change or delete it; its page lists where it is shown.
    """

    shared_fieldset = (
        "Where it is shown",
        {
            "fields": ["shown_on"],
            "description": "A change here is a change of each of these items. "
            "While any of them is published, only publishers can change this.",
        },
    )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or can_change_shared(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        # The delete page says what still shows it; the model refuses the rest.
        return super().has_delete_permission(request, obj) and (
            obj is None
            or all(can_publish(request.user, type(i)) for i in obj.live_items())
        )

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "shown_on"]

    def content_fieldsets(self, request, obj=None):
        return [*super().content_fieldsets(request, obj), self.shared_fieldset]

    @admin.display(description="shown on")
    def shown_on(self, obj):
        items = obj.showing_items() if obj and obj.pk else []
        if not items:
            return "Nothing yet."
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((admin_link(i),) for i in items)),
        )


@admin.register(StigmatisingTerm)
class StigmatisingTermAdmin(HistoryAdmin):
    fields = ["term", "suggestion", "allowed_in"]
    list_display = ["term", "suggestion"]
    search_fields = ["term", "suggestion", "allowed_in"]


@admin.register(Reviewer)
class ReviewerAdmin(SharedRowAdmin):
    fields = ["name", "credentials", "is_organisation", "user"]
    list_display = ["name", "credentials", "user"]
    list_select_related = ["user"]
    search_fields = ["name", "credentials"]

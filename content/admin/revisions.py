"""Revisions, reviews and publishing in the admin.

Every transition is a POST checked on the server against the user's
permissions, whatever the page offered: start or discard a revision, approve
or request changes (bound to the content hash the reviewer read), publish now
or at a time, restore an old version into a revision.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from content import revisions
from content.editorial import (
    can_discard_revision,
    can_edit_content,
    can_publish,
    can_review,
    can_start_revision,
)
from content.models import PublicationStatus, ReviewNote, ReviewNoteKind
from content.models.publication import CHANGE_REASON_MAX_LENGTH
from content.reader import reader_context


def review_status_text(item) -> str:
    """Whether the item's review covers its current content, in words."""
    if not item.reviewed_by_id:
        return "Not reviewed yet."
    review = f"the medical review by {item.reviewed_by} of {item.last_reviewed_on}"
    if item.review_is_valid:
        return f"Approved: {review} covers exactly this content."
    return (
        f"Void: {review} was for other content. It changed after the review; "
        "publishing needs a new review."
    )


def revision_state_label(revision) -> str:
    return revision.state().label


def report_form_errors(request, form) -> None:
    """A transition's form errors, shown on the page it returns to."""
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


def admin_url(item, view: str = "change") -> str:
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[item.pk])


class ReviewForm(forms.Form):
    """A reviewer's decision about the content hash they read."""

    decision = forms.ChoiceField(
        choices=[
            ("approve", "Approve"),
            ("request_changes", "Request changes"),
            ("comment", "Comment"),
        ]
    )
    content_hash = forms.CharField(max_length=64, widget=forms.HiddenInput)
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept in the item's review thread for editors and auditors.",
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") in ("request_changes", "comment")
            and not data.get("comment", "").strip()
        ):
            self.add_error("comment", "Say what should change, or what you noticed.")
        return data


class PublishForm(forms.Form):
    """Publish now, or at a time entered in the editor's time zone."""

    publish_at = forms.DateTimeField(
        required=False,
        label="Publish at",
        help_text="Leave empty to publish now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )

    def clean_publish_at(self):
        when = self.cleaned_data["publish_at"]
        if when is not None and when <= timezone.now():
            raise ValidationError("Choose a time in the future, or leave it empty.")
        return when


class RevisionAdminMixin:
    """Views of the editorial workflow for ``PublishableAdmin``."""

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        # Every transition is a POST; the preview is a page.
        views = [
            ("preview/", self.preview_view, "preview"),
            (
                "revision/start/",
                require_POST(self.start_revision_view),
                "start_revision",
            ),
            (
                "revision/discard/",
                require_POST(self.discard_revision_view),
                "discard_revision",
            ),
            ("review/", require_POST(self.review_view), "review"),
            ("publish/", require_POST(self.publish_view), "publish"),
            (
                "history/restore/",
                require_POST(self.restore_version_view),
                "restore_version",
            ),
        ]
        return [
            *(
                path(
                    f"<path:object_id>/{route}",
                    self.admin_site.admin_view(view),
                    name=f"{name}_{suffix}",
                )
                for route, view, suffix in views
            ),
            *super().get_urls(),
        ]

    def item_or_404(self, request, object_id):
        item = self.get_object(request, unquote(object_id))
        if item is None:
            raise Http404("No such item.")
        if not self.has_view_or_change_permission(request, item):
            raise PermissionDenied
        return item

    def workflow_context(self, request, item) -> dict:
        """What the change and preview pages offer this user for this item."""
        user = request.user
        revision = None if item.is_revision else item.pending_revision()
        return {
            "edited": item,
            "preview_url": admin_url(item, "preview"),
            "live_item": item.revision_of if item.is_revision else None,
            "pending_revision": revision,
            "pending_revision_state": revision_state_label(revision)
            if revision
            else None,
            "may_start_revision": can_start_revision(user, item),
            "holds_revision": revision is not None
            and revision.revision_opened_by_id == user.pk,
            "may_discard": can_discard_revision(user, item),
            "may_edit": can_edit_content(user, item),
            "review_status": review_status_text(item),
            "review_notes": ReviewNote.objects.about(item).select_related("author"),
        }

    def history_view(self, request, object_id, extra_context=None):
        item = self.get_object(request, unquote(object_id))
        if item is not None:
            extra_context = {
                **(extra_context or {}),
                "may_restore": can_start_revision(request.user, item),
            }
        return super().history_view(request, object_id, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = self.get_object(request, unquote(object_id))
        if item is not None:
            extra_context = {
                **(extra_context or {}),
                **self.workflow_context(request, item),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def preview_view(self, request, object_id):
        """The item as publishing it would show it, with review and publish forms.

        Rendered inside ``as_published``: a revision is shown on its live
        item, with what else the page shows, exactly as publishing makes it.
        """
        item = self.item_or_404(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            **self.workflow_context(request, item),
            "opts": self.opts,
            "state": item.state().label,
            "content_hash": item.content_hash,
            "changes": revisions.changes_from_live(item) if item.is_revision else None,
        }
        if can_review(request.user, self.model):
            context["review_form"] = ReviewForm(
                initial={"content_hash": item.content_hash, "decision": "approve"}
            )
        if can_publish(request.user, self.model) and item.status != (
            PublicationStatus.ARCHIVED
        ):
            context["publish_form"] = PublishForm()
            context["review_problem"] = item.review_problem()
            context["time_zone"] = timezone.get_current_timezone_name()
        context["api_preview_url"] = request.build_absolute_uri(
            reverse("v1:preview", args=[revisions.preview_token(item)])
        )
        context["api_preview_minutes"] = revisions.PREVIEW_MAX_AGE // 60
        with revisions.as_published(item) as published:
            page = reader_context(published, preview=True)
            context |= page["context"]
            context["reader_template"] = page["template"]
            response = TemplateResponse(
                request, "admin/content/preview.html", context
            ).render()
        return response

    def start_revision_view(self, request, object_id):
        item = self.item_or_404(request, object_id)
        if not can_start_revision(request.user, item):
            raise PermissionDenied
        try:
            revision = revisions.start_revision(item, request.user)
        except revisions.RevisionHeld as held:
            messages.error(request, str(held))
            return HttpResponseRedirect(admin_url(item))
        messages.success(
            request,
            f"You hold a revision of “{item}”. The live version stays as it is "
            "until this revision is reviewed and published.",
        )
        return HttpResponseRedirect(admin_url(revision))

    def discard_revision_view(self, request, object_id):
        revision = self.item_or_404(request, object_id)
        if not can_discard_revision(request.user, revision):
            raise PermissionDenied
        live = revision.revision_of
        revisions.discard_revision(revision, request.user)
        self.log_change(request, live, "Revision discarded.")
        messages.success(request, f"The revision of “{live}” was discarded.")
        return HttpResponseRedirect(admin_url(live))

    def review_view(self, request, object_id):
        """Approve, request changes or comment, on the content the reviewer read."""
        item = self.item_or_404(request, object_id)
        if not can_review(request.user, self.model):
            raise PermissionDenied
        form = ReviewForm(request.POST)
        back = admin_url(item, "preview")
        if not form.is_valid():
            report_form_errors(request, form)
            return HttpResponseRedirect(back)
        data = form.cleaned_data
        if data["content_hash"] != revisions.content_hash(item):
            messages.error(
                request,
                "The content changed after you opened it; nothing was recorded. "
                "Read it again below.",
            )
            return HttpResponseRedirect(back)
        reviewer = getattr(request.user, "reviewer", None)
        if data["decision"] == "approve":
            if reviewer is None:
                messages.error(
                    request,
                    "Your account is not linked to a reviewer, so the review "
                    "cannot be credited. Ask an administrator to set your account "
                    "on your entry under Reviewers.",
                )
                return HttpResponseRedirect(back)
            item.record_review(reviewer)
            item._change_reason = f"Approved by {reviewer}."[:CHANGE_REASON_MAX_LENGTH]
            item.save()
            done = f"Recorded your approval of “{item}” as it reads now."
        elif data["decision"] == "request_changes":
            if item.status == PublicationStatus.IN_REVIEW:
                item.status = PublicationStatus.DRAFT
                item._change_reason = "Changes requested in review."
                item.save(update_fields=["status", "updated_at"])
            done = f"Asked for changes to “{item}”."
        else:
            done = "Comment added."
        ReviewNote.objects.create(
            item=item,
            kind={
                "approve": ReviewNoteKind.APPROVED,
                "request_changes": ReviewNoteKind.CHANGES_REQUESTED,
                "comment": ReviewNoteKind.COMMENT,
            }[data["decision"]],
            author=request.user,
            text=data["comment"],
            content_hash=item.content_hash,
        )
        self.log_change(request, item, done)
        messages.success(request, done)
        return HttpResponseRedirect(back)

    def publish_view(self, request, object_id):
        """Publish now, or schedule: the same rules as the list's action."""
        item = self.item_or_404(request, object_id)
        if not can_publish(request.user, self.model):
            raise PermissionDenied
        form = PublishForm(request.POST)
        if not form.is_valid():
            report_form_errors(request, form)
            return HttpResponseRedirect(admin_url(item, "preview"))
        when = form.cleaned_data["publish_at"]
        if when is not None:
            item.publish_at = when
        try:
            live = revisions.publish(item, reason="Published.")
        except ValidationError as error:
            messages.error(request, "Not published: " + " ".join(error.messages))
            return HttpResponseRedirect(admin_url(item, "preview"))
        if when is not None:
            local = date_format(timezone.localtime(when), "DATETIME_FORMAT")
            done = f"Scheduled “{live}” for {local}."
        else:
            done = f"Published “{live}”."
        self.log_change(request, live, done)
        messages.success(request, done)
        return HttpResponseRedirect(admin_url(live))

    def restore_version_view(self, request, object_id):
        """An old version of a live item becomes a draft revision, never live."""
        item = self.item_or_404(request, object_id)
        if not can_start_revision(request.user, item):
            raise PermissionDenied
        version_id = request.POST.get("version", "")
        version = (
            self.model.history.filter(history_id=version_id, id=item.pk).first()
            if version_id.isdigit()
            else None
        )
        if version is None:
            raise Http404("No such version.")
        try:
            revision = revisions.start_revision(item, request.user)
        except revisions.RevisionHeld as held:
            messages.error(request, str(held))
            return HttpResponseRedirect(admin_url(item))
        if not can_edit_content(request.user, revision):
            messages.error(
                request, "Your revision is scheduled or published: nothing changed."
            )
            return HttpResponseRedirect(admin_url(revision))
        old = version.instance
        for name in revisions.tree_of(item).fields:
            attname = item._meta.get_field(name).attname
            setattr(revision, attname, getattr(old, attname))
        when = date_format(timezone.localtime(version.history_date), "DATETIME_FORMAT")
        revision.status = PublicationStatus.DRAFT
        revision._change_reason = f"Reverted to the version of {when}."[
            :CHANGE_REASON_MAX_LENGTH
        ]
        revision.save()
        messages.success(
            request,
            f"Your revision of “{item}” now holds the version of {when}. It goes "
            "live only once reviewed and published.",
        )
        return HttpResponseRedirect(admin_url(revision))

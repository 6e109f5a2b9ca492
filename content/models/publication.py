"""Publication and review, shared by every model the public can see."""

import datetime

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from content.language import reading_grade
from content.rendering import render_markdown

# simple-history keeps change reasons in a 100-character column.
CHANGE_REASON_MAX_LENGTH = 100
# Medical content is re-reviewed yearly unless a reviewer sets another date.
REVIEW_INTERVAL = datetime.timedelta(days=365)


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class PublicationState(models.TextChoices):
    """Where an item really stands now: status, review, schedule and revision."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved: medically reviewed, waiting to be published"
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live"
    LIVE_WITH_CHANGES = "live_with_changes", "Live with pending changes"
    NOT_SHOWN = "not_shown", "Published, not shown: a page it belongs to is not live"
    EXPIRED = "expired", "Expired"
    ARCHIVED = "archived", "Archived"


# Statuses of work in progress; the rest are set by publishing.
DRAFTING_STATUSES = (PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW)


class SharedByLiveContent(models.Model):
    """A row that public items show, such as a cited source or a credited reviewer.

    It is part of every item that shows it: a change to one of its
    ``public_fields`` is recorded as a change of each of those items (their
    ``updated_at``, and a history record saying why), and while a published
    item shows it, only those allowed to publish that item may change it
    (``content.editorial.can_change_shared``).
    """

    public_fields: tuple[str, ...] = ()
    # Whether its public fields are reviewed words that no change may reach
    # while live (a source's statement), rather than a credit line.
    frozen_while_live = False

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        changed = self.pk is not None and self.public_fields_changed()
        super().save(*args, **kwargs)
        if changed:
            reason = f"{self._meta.verbose_name.capitalize()} “{self}” changed."
            for item in self.showing_items():
                item.record_shared_change(reason)

    def clean(self):
        super().clean()
        if (
            self.frozen_while_live
            and self.pk is not None
            and self.public_fields_changed()
            and self.live_items()
        ):
            raise ValidationError(
                "Published content cites this as reviewed: add a new one and "
                "cite it in a revision of each item instead."
            )

    def public_fields_changed(self) -> bool:
        stored = (
            type(self)
            ._default_manager.filter(pk=self.pk)
            .values(*self.public_fields)
            .first()
        )
        return stored is None or any(
            stored[name] != getattr(self, name) for name in self.public_fields
        )

    def showing_items(self) -> list["Publishable"]:
        """Every publishable item that shows this row, whatever its status."""
        raise NotImplementedError

    def live_items(self) -> list["Publishable"]:
        return [item for item in self.showing_items() if item.is_live]


class Reviewer(SharedByLiveContent):
    """A medical reviewer, credited on the content they have reviewed."""

    name = models.CharField(max_length=200, unique=True)
    credentials = models.CharField(
        max_length=200,
        blank=True,
        help_text="Qualifications as they should appear in print, e.g. “MD, FASAM”.",
    )
    is_organisation = models.BooleanField(
        default=False,
        help_text="Tick for a board or organisation rather than a single person.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewer",
        help_text="The admin account of this reviewer; used by “Mark reviewed”.",
    )

    history = HistoricalRecords()
    public_fields = ("name", "credentials", "is_organisation")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def showing_items(self) -> list["Publishable"]:
        from content.models import FAQ, Comparison, Resource, Topic

        return [
            item
            for model in (Topic, Comparison, FAQ, Resource)
            for item in model.objects.filter(reviewed_by=self)
        ]


def is_published(queryset, now, outer_field: str) -> models.Exists:
    """Whether the row ``outer_field`` points at is in ``queryset.published(now)``:
    an annotation, for a link shown only while its target is public."""
    public = queryset.published(now).filter(pk=models.OuterRef(outer_field))
    return models.Exists(public)


def published_q(now, prefix: str = "") -> models.Q:
    """Condition for “the public may see it”, optionally across a relation.

    ``prefix`` ("topic__") applies the rule to a related publishable item, so
    children are hidden with their parent.
    """
    return (
        models.Q(**{f"{prefix}status": PublicationStatus.PUBLISHED})
        # A revision is a working copy: it goes public only by being
        # published onto its live item.
        & models.Q(**{f"{prefix}revision_of__isnull": True})
        & (
            models.Q(**{f"{prefix}publish_at__isnull": True})
            | models.Q(**{f"{prefix}publish_at__lte": now})
        )
        & (
            models.Q(**{f"{prefix}unpublish_at__isnull": True})
            | models.Q(**{f"{prefix}unpublish_at__gt": now})
        )
    )


# Links between items point at items, never at a working copy.
ITEMS_ONLY = {"revision_of__isnull": True}


SLUG_TAKEN = "slug_taken"


def unique_slug_among_items(model_name: str) -> models.UniqueConstraint:
    """Slugs are unique among items; a revision shares its live item's slug."""
    return models.UniqueConstraint(
        fields=["slug"],
        condition=models.Q(**ITEMS_ONLY),
        name=f"content_{model_name}_unique_item_slug",
        violation_error_message="Another item already uses this slug.",
        violation_error_code=SLUG_TAKEN,
    )


def public_list_index(model_name: str, *ordering: str) -> models.Index:
    """The public list's page in its default order (``ordering``, then id),
    read from the index alone: only published items, with their schedule."""
    return models.Index(
        fields=[*ordering, "id", "publish_at", "unpublish_at"],
        condition=models.Q(status=PublicationStatus.PUBLISHED, **ITEMS_ONLY),
        name=f"content_{model_name}_public_list",
    )


class PublishableQuerySet(models.QuerySet):
    # Publishable items whose visibility also depends on a parent name it here.
    published_parents: tuple[str, ...] = ()

    def published(self, now=None):
        """What the public may see: published and inside its publication window.

        Every public read goes through this method. Scheduled items appear and
        expired ones disappear as time passes, with no job to flip a flag.
        """
        now = now or timezone.now()
        condition = published_q(now)
        for parent in self.published_parents:
            condition &= published_q(now, prefix=f"{parent}__")
        return self.filter(condition)

    def pages(self, now=None):
        """Public items with everything their public pages show.

        The one definition of a public page's reads, for the API's stored
        documents, the widgets and the JSON-LD alike. Related items are
        filtered by the same ``published(now)`` rule and attached as
        ``public_*`` lists (``public_faqs``...), so nothing that renders a
        page reaches an unfiltered relation.
        """
        return self.published(now).select_related("reviewed_by")

    def items(self):
        """Items as the lists show them: live rows and new drafts, no revisions."""
        return self.filter(revision_of__isnull=True)

    def approved(self):
        """Holding a medical review of exactly their current content."""
        return self.exclude(reviewed_hash="").filter(
            reviewed_by__isnull=False, reviewed_hash=models.F("content_hash")
        )

    def in_state(self, state: str, now=None):
        """Items (not revisions) in a ``PublicationState`` at ``now``."""
        now = now or timezone.now()
        items = self.items()
        published = models.Q(status=PublicationStatus.PUBLISHED)
        if state == PublicationState.SCHEDULED:
            return items.filter(published, publish_at__gt=now)
        if state == PublicationState.EXPIRED:
            return items.filter(published, unpublish_at__lte=now)
        if state == PublicationState.LIVE:
            return items.published(now).filter(open_revision__isnull=True)
        if state == PublicationState.LIVE_WITH_CHANGES:
            return items.published(now).filter(open_revision__isnull=False)
        if state == PublicationState.NOT_SHOWN:
            return items.filter(published_q(now)).exclude(
                pk__in=self.published(now).values("pk")
            )
        if state == PublicationState.APPROVED:
            return items.filter(status__in=DRAFTING_STATUSES).approved()
        if state in DRAFTING_STATUSES:
            approved = self.approved().values("pk")
            return items.filter(status=state).exclude(pk__in=approved)
        return items.filter(status=state)

    def with_live_flag(self, now=None):
        """Annotate ``is_live_now``, so ``state()`` costs no query per item."""
        now = now or timezone.now()
        live = type(self)(self.model).published(now).filter(pk=models.OuterRef("pk"))
        return self.annotate(is_live_now=models.Exists(live))

    def waiting_for_review(self):
        """Submitted for review (items and revisions), with no valid review."""
        return self.filter(status=PublicationStatus.IN_REVIEW).exclude(
            pk__in=self.approved().values("pk")
        )

    def waiting_to_publish(self):
        """Approved items and revisions that are not published yet."""
        return self.filter(status__in=DRAFTING_STATUSES).approved()

    def review_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(next_review_due__lt=today)


class Publishable(models.Model):
    """Status, schedule, timestamps and medical review of a public item."""

    status = models.CharField(
        max_length=20,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
        help_text="Only published items inside their publication window are public.",
    )
    publish_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="If set, a published item becomes public only from this time.",
    )
    unpublish_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="If set, a published item stops being public at this time.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_reviewed_on = models.DateField(
        null=True, blank=True, help_text="Date of the last medical review."
    )
    reviewed_by = models.ForeignKey(
        Reviewer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Medical reviewer who last reviewed this content.",
    )
    next_review_due = models.DateField(
        null=True,
        blank=True,
        help_text="When the content should be reviewed again.",
    )
    reading_grade = models.FloatField(
        null=True,
        blank=True,
        editable=False,
        help_text="US school grade needed to read the item's public text "
        "(Flesch-Kincaid); plain language is 6 to 8. Null when the text is too "
        "short to grade.",
    )
    # Working copies (revisions): a revision is a row of the same model that
    # points at the live item it will replace when published.
    revision_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="open_revision",
        help_text="The live item this revision changes once published.",
    )
    revision_opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who holds this revision: only they edit it.",
    )
    revision_opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    # SHA-256 of the public content (``content.revisions.content_hash``),
    # kept current on every save of the item or of one of its parts.
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The content hash the medical reviewer approved; the review holds only
    # while it equals the content hash.
    reviewed_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=models.Q(publish_at__isnull=True)
                | models.Q(unpublish_at__isnull=True)
                | models.Q(publish_at__lt=models.F("unpublish_at")),
                name="%(app_label)s_%(class)s_publish_before_unpublish",
            ),
        ]

    def save(self, *args, **kwargs):
        from content.revisions import content_hash

        self.reading_grade = reading_grade(self.public_text())
        self.content_hash = content_hash(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "reading_grade", "content_hash"}
        super().save(*args, **kwargs)

    def validate_constraints(self, exclude=None):
        # A taken slug is reported on the slug field, where editors type it.
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            general = errors.pop(NON_FIELD_ERRORS, [])
            for problem in general:
                key = "slug" if problem.code == SLUG_TAKEN else NON_FIELD_ERRORS
                errors.setdefault(key, []).append(problem)
            raise ValidationError(errors) from error

    def clean(self):
        super().clean()
        if (
            self.publish_at
            and self.unpublish_at
            and self.publish_at >= self.unpublish_at
        ):
            raise ValidationError(
                {"unpublish_at": "The unpublish time must be after the publish time."}
            )
        if self.status == PublicationStatus.PUBLISHED:
            problem = self.review_problem()
            if problem:
                raise ValidationError({"status": problem})

    def review_problem(self) -> str | None:
        """Why the current content cannot be published, or None if it can.

        Publishing needs a medical review of exactly this content: the hash is
        recomputed here, never trusted from the stored column.
        """
        from content.revisions import content_hash

        if self.reviewed_by_id is None or not self.reviewed_hash:
            return "It needs a medical review before it is published."
        if self.reviewed_hash != content_hash(self):
            return (
                f"It changed after the medical review of {self.last_reviewed_on} "
                f"by {self.reviewed_by}; a new review of the new content is needed."
            )
        return None

    @property
    def review_is_valid(self) -> bool:
        """The stored review covers the stored content (a cheap, listable check)."""
        return bool(
            self.reviewed_by_id
            and self.reviewed_hash
            and self.reviewed_hash == self.content_hash
        )

    @property
    def is_revision(self) -> bool:
        return self.revision_of_id is not None

    @property
    def is_live(self) -> bool:
        """Published, now or on schedule: what it shows is public content."""
        return self.status == PublicationStatus.PUBLISHED

    def state(self, now=None) -> PublicationState:
        """The item's ``PublicationState``; ``with_live_flag()`` saves a query."""
        now = now or timezone.now()
        if self.status in DRAFTING_STATUSES and self.review_is_valid:
            return PublicationState.APPROVED
        if self.status != PublicationStatus.PUBLISHED:
            return PublicationState(self.status)
        if self.publish_at and self.publish_at > now:
            return PublicationState.SCHEDULED
        if self.unpublish_at and self.unpublish_at <= now:
            return PublicationState.EXPIRED
        is_live = getattr(self, "is_live_now", None)
        if is_live is None:
            is_live = self.is_public
        if not is_live:
            return PublicationState.NOT_SHOWN
        if self.pending_revision() is not None:
            return PublicationState.LIVE_WITH_CHANGES
        return PublicationState.LIVE

    def pending_revision(self) -> "Publishable | None":
        """The open revision of this live item, if someone started one."""
        try:
            return self.open_revision
        except type(self).DoesNotExist:
            return None

    @property
    def is_public(self) -> bool:
        return type(self).objects.published().filter(pk=self.pk).exists()

    @property
    def review_overdue(self) -> bool:
        return bool(
            self.next_review_due and self.next_review_due < timezone.localdate()
        )

    @classmethod
    def permission_name(cls, action: str) -> str:
        """Full permission name for an editorial action: "publish" or "review"."""
        return f"{cls._meta.app_label}.{action}_{cls._meta.model_name}"

    def public_text(self) -> str:
        """Everything readers read of the item, parts included, as plain text."""
        return "\n".join(filter(None, self.public_text_parts()))

    def public_text_parts(self) -> list[str]:
        raise NotImplementedError

    def refresh_derived(self, **also) -> None:
        """Store grade and content hash after a part changed, with no save()."""
        from content.revisions import content_hash

        type(self)._default_manager.filter(pk=self.pk).update(
            reading_grade=reading_grade(self.public_text()),
            content_hash=content_hash(self),
            **also,
        )

    def record_shared_change(self, reason: str) -> None:
        """Record that a row this item shows (a source, a reviewer) changed."""
        self._change_reason = reason[:CHANGE_REASON_MAX_LENGTH]
        self.save(update_fields=["updated_at"])

    def record_review(self, reviewer: Reviewer) -> None:
        """Record a medical review of the current content, today.

        The review is bound to the content's hash: any later change voids it.
        """
        from content.revisions import content_hash

        self.last_reviewed_on = timezone.localdate()
        self.reviewed_by = reviewer
        self.next_review_due = self.last_reviewed_on + REVIEW_INTERVAL
        self.content_hash = self.reviewed_hash = content_hash(self)


class RenderedMarkdownMixin:
    """Render each Markdown field to ``<field>_html`` and ``<field>_text`` on save.

    Rendering happens once per save, never per request.
    """

    markdown_fields: tuple[str, ...] = ()

    def render_markdown_fields(self):
        for name in self.markdown_fields:
            html, text = render_markdown(getattr(self, name))
            setattr(self, f"{name}_html", html)
            setattr(self, f"{name}_text", text)

    def save(self, *args, **kwargs):
        self.render_markdown_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and any(
            name in update_fields for name in self.markdown_fields
        ):
            rendered = [
                f"{n}_{kind}" for n in self.markdown_fields for kind in ("html", "text")
            ]
            kwargs["update_fields"] = {*update_fields, *rendered}
        super().save(*args, **kwargs)


def markdown_html_field():
    return models.TextField(blank=True, editable=False, help_text="Sanitised HTML.")


def markdown_text_field():
    return models.TextField(blank=True, editable=False, help_text="Plain text.")

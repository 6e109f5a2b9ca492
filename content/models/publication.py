"""Publication and review, shared by every model the public can see."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
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
    """Where an item really stands for readers now, status and schedule together."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live"
    NOT_SHOWN = "not_shown", "Published, not shown: a page it belongs to is not live"
    EXPIRED = "expired", "Expired"
    ARCHIVED = "archived", "Archived"


class SharedByLiveContent(models.Model):
    """A row that public items show, such as a cited source or a credited reviewer.

    It is part of every item that shows it: a change to one of its
    ``public_fields`` is recorded as a change of each of those items (their
    ``updated_at``, and a history record saying why), and while a published
    item shows it, only those allowed to publish that item may change it
    (``content.editorial.can_change_shared``).
    """

    public_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        changed = self.pk is not None and self.public_fields_changed()
        super().save(*args, **kwargs)
        if changed:
            reason = f"{self._meta.verbose_name.capitalize()} “{self}” changed."
            for item in self.showing_items():
                item.record_shared_change(reason)

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


def published_q(now, prefix: str = "") -> models.Q:
    """Condition for “the public may see it”, optionally across a relation.

    ``prefix`` ("topic__") applies the rule to a related publishable item, so
    children are hidden with their parent.
    """
    return (
        models.Q(**{f"{prefix}status": PublicationStatus.PUBLISHED})
        & (
            models.Q(**{f"{prefix}publish_at__isnull": True})
            | models.Q(**{f"{prefix}publish_at__lte": now})
        )
        & (
            models.Q(**{f"{prefix}unpublish_at__isnull": True})
            | models.Q(**{f"{prefix}unpublish_at__gt": now})
        )
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

    def in_state(self, state: str, now=None):
        """Items in a ``PublicationState`` at ``now``."""
        now = now or timezone.now()
        published = models.Q(status=PublicationStatus.PUBLISHED)
        if state == PublicationState.SCHEDULED:
            return self.filter(published, publish_at__gt=now)
        if state == PublicationState.EXPIRED:
            return self.filter(published, unpublish_at__lte=now)
        if state == PublicationState.LIVE:
            return self.published(now)
        if state == PublicationState.NOT_SHOWN:
            return self.filter(published_q(now)).exclude(
                pk__in=self.published(now).values("pk")
            )
        return self.filter(status=state)

    def with_live_flag(self, now=None):
        """Annotate ``is_live_now``, so ``state()`` costs no query per item."""
        now = now or timezone.now()
        live = type(self)(self.model).published(now).filter(pk=models.OuterRef("pk"))
        return self.annotate(is_live_now=models.Exists(live))

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
        self.reading_grade = reading_grade(self.public_text())
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "reading_grade"}
        super().save(*args, **kwargs)

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
        if self.status == PublicationStatus.PUBLISHED and not self.last_reviewed_on:
            raise ValidationError(
                {"status": "Content must have a medical review before it is published."}
            )

    @property
    def is_live(self) -> bool:
        """Published, now or on schedule: what it shows is public content."""
        return self.status == PublicationStatus.PUBLISHED

    def state(self, now=None) -> PublicationState:
        """The item's ``PublicationState``; ``with_live_flag()`` saves a query."""
        now = now or timezone.now()
        if self.status != PublicationStatus.PUBLISHED:
            return PublicationState(self.status)
        if self.publish_at and self.publish_at > now:
            return PublicationState.SCHEDULED
        if self.unpublish_at and self.unpublish_at <= now:
            return PublicationState.EXPIRED
        is_live = getattr(self, "is_live_now", None)
        if is_live is None:
            is_live = self.is_public
        return PublicationState.LIVE if is_live else PublicationState.NOT_SHOWN

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

    def refresh_reading_grade(self, **also) -> None:
        """Store the grade after a part changed, with no save() of the item."""
        type(self)._default_manager.filter(pk=self.pk).update(
            reading_grade=reading_grade(self.public_text()), **also
        )

    def record_shared_change(self, reason: str) -> None:
        """Record that a row this item shows (a source, a reviewer) changed."""
        self._change_reason = reason[:CHANGE_REASON_MAX_LENGTH]
        self.save(update_fields=["updated_at"])

    def record_review(self, reviewer: Reviewer, on=None):
        """Record a medical review today and schedule the next one."""
        self.last_reviewed_on = on or timezone.localdate()
        self.reviewed_by = reviewer
        self.next_review_due = self.last_reviewed_on + REVIEW_INTERVAL


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

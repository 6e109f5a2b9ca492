"""When the public content last changed, for HTTP validators and caches."""

import datetime

from django.db import models
from django.db.models import Max, Min, Q
from django.utils import timezone

# A never-edited database still needs a stable validator.
NEVER_CHANGED = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class ContentChange(models.Model):
    """A single row holding the time of the latest editorial change.

    Every save or delete of content bumps it (see ``content.signals``), so a
    deleted or unpublished item, which no longer shows in any query, still
    moves the time on.
    """

    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at"]
        verbose_name = "content change"

    def __str__(self):
        return f"Content last changed at {self.changed_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def record(cls, when: datetime.datetime | None = None) -> None:
        cls.objects.update_or_create(
            pk=1, defaults={"changed_at": when or timezone.now()}
        )

    @classmethod
    def last_changed_at(cls) -> datetime.datetime | None:
        return cls.objects.filter(pk=1).values_list("changed_at", flat=True).first()


def schedule_boundaries(now: datetime.datetime):
    """The latest publish/unpublish time already passed and the next one to come.

    A scheduled item appearing or expiring changes public content with no
    edit, so validators and caches treat the latest passed boundary as a
    change, and caches expire at the next one.
    """
    from content.models import FAQ, Comparison, Resource, Topic

    passed, upcoming = [], []
    for model in (Topic, Comparison, FAQ, Resource):
        bounds = model.objects.aggregate(
            **{
                f"{field}_passed": Max(field, filter=Q(**{f"{field}__lte": now}))
                for field in ("publish_at", "unpublish_at")
            },
            **{
                f"{field}_next": Min(field, filter=Q(**{f"{field}__gt": now}))
                for field in ("publish_at", "unpublish_at")
            },
        )
        passed += [bounds["publish_at_passed"], bounds["unpublish_at_passed"]]
        upcoming += [bounds["publish_at_next"], bounds["unpublish_at_next"]]
    return (
        max(filter(None, passed), default=None),
        min(filter(None, upcoming), default=None),
    )


def content_changed_at(now: datetime.datetime) -> datetime.datetime:
    """When what the public sees last changed: an edit or a schedule boundary."""
    latest_boundary, _ = schedule_boundaries(now)
    candidates = [ContentChange.last_changed_at(), latest_boundary]
    # An empty, never-edited database still needs a stable validator.
    return max(
        filter(None, candidates),
        default=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )

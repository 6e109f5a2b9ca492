"""When the public content last changed, for HTTP validators and caches."""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from .publication import PublicationStatus

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
    def last_changed_at(cls, using: str = DEFAULT_DB_ALIAS) -> datetime.datetime | None:
        return (
            cls.objects.using(using)
            .filter(pk=1)
            .values_list("changed_at", flat=True)
            .first()
        )


def schedule(now: datetime.datetime):
    """The latest publish/unpublish time already passed, the next one to come,
    and whether a scheduled revision is due, in one aggregate query per kind.

    A scheduled item appearing or expiring changes public content with no
    edit, so validators and caches treat the latest passed time as a change,
    and caches expire at the next one.
    """
    from content.models import FAQ, Comparison, Resource, Topic

    passed, upcoming, due = [], [], 0
    for model in (Topic, Comparison, FAQ, Resource):
        # The clock is read on the primary: it decides what is fresh.
        bounds = model.objects.using(DEFAULT_DB_ALIAS).aggregate(
            **{
                f"{field}_passed": Max(field, filter=Q(**{f"{field}__lte": now}))
                for field in ("publish_at", "unpublish_at")
            },
            **{
                f"{field}_next": Min(field, filter=Q(**{f"{field}__gt": now}))
                for field in ("publish_at", "unpublish_at")
            },
            due=Count(
                "pk",
                filter=Q(
                    revision_of__isnull=False,
                    status=PublicationStatus.PUBLISHED,
                    publish_at__lte=now,
                ),
            ),
        )
        passed += [bounds["publish_at_passed"], bounds["unpublish_at_passed"]]
        upcoming += [bounds["publish_at_next"], bounds["unpublish_at_next"]]
        due += bounds["due"]
    return (
        max(filter(None, passed), default=None),
        min(filter(None, upcoming), default=None),
        due > 0,
    )


VERSION_CACHE_KEY = "content-version:v2"
# An edit made while the shared cache is unreachable cannot replace the cached
# version; this bounds how long the old one can outlive the outage (a CDN
# already serves up to s-maxage, 300 s, after any edit).
VERSION_CACHE_TIMEOUT = 60


@dataclass(frozen=True)
class ContentVersion:
    """When public content last changed, and until when that stays true."""

    changed_at: datetime.datetime
    valid_until: datetime.datetime | None  # the next schedule boundary, if any
    # The latest editorial change; a read replica that has it is up to date.
    edited_at: datetime.datetime | None = None

    def is_current(self, now: datetime.datetime) -> bool:
        return self.valid_until is None or now < self.valid_until


def compute_content_version(now: datetime.datetime) -> ContentVersion:
    """From the primary database, in five small aggregate queries.

    A schedule boundary passing is also when a scheduled revision falls due,
    so due revisions go onto their live items first.
    """
    from content.revisions import apply_due_revisions

    latest_boundary, upcoming, revisions_due = schedule(now)
    if revisions_due and apply_due_revisions(now):
        latest_boundary, upcoming, _ = schedule(now)
    edited_at = ContentChange.last_changed_at()
    changed_at = max(filter(None, [edited_at, latest_boundary]), default=NEVER_CHANGED)
    return ContentVersion(changed_at, upcoming, edited_at)


def content_version(now: datetime.datetime | None = None) -> ContentVersion:
    """The current content version, from the shared cache while it is current.

    Served from the cache it costs no SQL; it is recomputed when a scheduled
    publish/unpublish time passes, and replaced after every editorial change.
    """
    now = now or timezone.now()
    return current_content_version(cache.get(VERSION_CACHE_KEY), now)


def current_content_version(cached, now: datetime.datetime) -> ContentVersion:
    """``cached`` (the version the caller read from the cache) if it is current,
    else the version computed from the database, which is then cached."""
    from content.revisions import previewing

    global last_seen_version
    if isinstance(cached, ContentVersion) and cached.is_current(now):
        last_seen_version = cached
        return cached
    version = compute_content_version(now)
    if previewing.get():
        # A preview's changes are rolled back: nothing of them is shared.
        return version
    current = cache.get(VERSION_CACHE_KEY)
    # Newer wins: never replace a version an editor's commit just published.
    if (
        not isinstance(current, ContentVersion)
        or not current.is_current(now)
        or current.changed_at < version.changed_at
    ):
        cache.set(VERSION_CACHE_KEY, version, timeout=VERSION_CACHE_TIMEOUT)
    last_seen_version = version
    return version


# The version this process last read or computed, for when neither the cache
# nor the database can say (see last_known_version).
last_seen_version: ContentVersion | None = None


def last_known_version(now: datetime.datetime) -> ContentVersion | None:
    """The version this process last saw, while no schedule boundary has passed.

    For when the cache has lost the version and the database cannot be
    reached: nothing can be edited without the database, so what was current
    when this process last looked still is, until a scheduled publish or
    unpublish time passes. Every request looks, so only an edit committed in
    the moments between a worker's last request and the outage is unseen.
    """
    version = last_seen_version
    if version is not None and version.is_current(now):
        return version
    return None


def publish_content_version() -> None:
    """Make an editorial change the current version.

    The cached version is dropped at once (requests meanwhile recompute it
    from what the database shows them) and replaced when the transaction
    commits, so no request after the commit can see an older version.
    """
    cache.delete(VERSION_CACHE_KEY)

    def publish():
        version = compute_content_version(timezone.now())
        cache.set(VERSION_CACHE_KEY, version, timeout=VERSION_CACHE_TIMEOUT)

    transaction.on_commit(publish, robust=True)

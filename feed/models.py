"""The record of public changes: what the public saw change, in commit order."""

from django.db import models


class ChangeType(models.TextChoices):
    PUBLISHED = "published", "Published"
    UPDATED = "updated", "Updated"
    UNPUBLISHED = "unpublished", "Unpublished"
    DELETED = "deleted", "Deleted"


# Types after which the address shows nothing: tombstones.
WITHDRAWALS = (ChangeType.UNPUBLISHED, ChangeType.DELETED)


class Change(models.Model):
    """One public change of one address, never edited or removed.

    A withdrawal (``unpublished``, ``deleted``) is a tombstone: it names the
    address and nothing of what it showed.
    """

    # Given out under the clock's lock, so their order is the commit order.
    sequence = models.BigIntegerField(primary_key=True)
    type = models.CharField(max_length=16, choices=ChangeType)
    kind = models.CharField(max_length=16)  # a kind of publishing.documents.KINDS
    item_id = models.BigIntegerField()  # never sent: topics are known by slug
    lookup = models.CharField(max_length=200)
    at = models.DateTimeField()

    class Meta:
        ordering = ["sequence"]

    def __str__(self):
        return f"{self.sequence} {self.type} {self.kind} {self.lookup}"


class PublicState(models.Model):
    """What the feed last told the public about one item: its address and a
    fingerprint of its documents. Only public items have one."""

    kind = models.CharField(max_length=16)
    item_id = models.BigIntegerField()
    lookup = models.CharField(max_length=200)
    # SHA-256 over the ETags of all the item's stored documents.
    fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["kind", "item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "item_id"], name="unique_public_state_per_item"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.lookup}"


class FeedClock(models.Model):
    """The one row every reconcile locks: it hands out sequences and
    remembers up to when the schedule has been looked at."""

    last_sequence = models.BigIntegerField(default=0)
    # Publication times up to this moment have been reconciled.
    checked_until = models.DateTimeField(null=True)
    # The last full reconcile (every item), for writes that skip signals.
    full_check_at = models.DateTimeField(null=True)
    # When a read last queued the full reconcile: reads queue it at most once
    # per FEED_FULL_RECONCILE_SECONDS.
    full_check_queued_at = models.DateTimeField(null=True)
    # Entries up to this sequence were compacted away (manage.py prune):
    # a cursor before it cannot be continued.
    pruned_through = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"feed at {self.last_sequence}"


class Snapshot(models.Model):
    """The latest built snapshot bundle for one origin ("https://host"): the
    bytes the snapshot endpoint sends, gzip-compressed, built in the
    background after the feed moves (``feed.tasks.build_snapshots``)."""

    origin = models.CharField(max_length=300, unique=True)
    # The bundle format's version (feed.snapshot.VERSION) it was built in.
    version = models.PositiveSmallIntegerField()
    # The feed position the bundle's cursor stands for.
    sequence = models.BigIntegerField()
    body = models.BinaryField()
    documents = models.PositiveIntegerField()
    uncompressed_bytes = models.PositiveBigIntegerField()
    built_at = models.DateTimeField()
    build_seconds = models.FloatField()

    class Meta:
        ordering = ["origin"]

    def __str__(self):
        return f"snapshot of {self.origin} at {self.sequence}"

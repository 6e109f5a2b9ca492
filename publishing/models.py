"""Public representations of published items, rendered once and served as bytes."""

from django.db import models

# A link's shows_id for "every row of that kind": a page listing all of them
# (the national help lines every widget shows) changes with any of them.
EVERY_ROW = 0


class Document(models.Model):
    """One representation of one published item, as the API sends it.

    The body is rendered with the API's serializers for a placeholder origin
    (``publishing.documents.PLACEHOLDER_ORIGIN``), replaced by the request's
    origin when served. ``modified_at`` is when the body last changed (not
    when it was last rendered): it is the response's Last-Modified.
    """

    kind = models.CharField(max_length=16)  # "topic", "comparison", "faq", "resource"
    item_id = models.BigIntegerField()
    # How the API addresses the item: its slug, or an FAQ's id.
    lookup = models.CharField(max_length=200)
    representation = models.CharField(max_length=32)
    media_type = models.CharField(max_length=64)
    body = models.BinaryField()
    etag = models.CharField(max_length=64)  # SHA-256 of the body, hex
    modified_at = models.DateTimeField()
    rendered_at = models.DateTimeField()
    # Rendered again on the first read at or after this moment: a scheduled
    # change to something it shows, or the recheck interval.
    valid_until = models.DateTimeField()
    # What the documents show, as CDN surrogate keys (publishing.purge).
    surrogate_keys = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "lookup", "representation"],
                name="unique_document_per_address",
            )
        ]
        indexes = [models.Index(fields=["kind", "item_id"])]

    def __str__(self):
        return f"{self.kind} {self.lookup} ({self.representation})"


class DocumentLink(models.Model):
    """An item's documents read this row (or would, were it public).

    A change to the row makes those documents stale. Links are recorded for
    every related row whatever its status, so a draft FAQ going live reaches
    its topic's page.
    """

    kind = models.CharField(max_length=16)
    item_id = models.BigIntegerField()
    shows_kind = models.CharField(max_length=16)
    shows_id = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["shows_kind", "shows_id"]),
            models.Index(fields=["kind", "item_id"]),
        ]

    def __str__(self):
        return f"{self.kind} {self.item_id} shows {self.shows_kind} {self.shows_id}"

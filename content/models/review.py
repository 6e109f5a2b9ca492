"""What medical reviewers said about an item: approvals, requests, comments."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ReviewNoteKind(models.TextChoices):
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    COMMENT = "comment", "Comment"


class ReviewNoteQuerySet(models.QuerySet):
    def about(self, item):
        return self.filter(
            content_type=ContentType.objects.get_for_model(item), object_id=item.pk
        )


class ReviewNote(models.Model):
    """One entry of an item's review thread, kept for auditors.

    Notes never change: each records who said what about which content
    (``content_hash``), so an approval can be checked against the words.
    A revision's notes move to its live item when it is published.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(max_length=20, choices=ReviewNoteKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(blank=True)
    content_hash = models.CharField(
        max_length=64, help_text="The content the note is about."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return (
            f"{self.get_kind_display()} by {self.author} on {self.created_at:%Y-%m-%d}"
        )

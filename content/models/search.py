"""Stored full-text search documents (PostgreSQL)."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from .comparison import Comparison
from .faq import FAQ
from .topic import Topic


def indexed_item(model):
    # The rows are written and deleted by database triggers, not by Django:
    # no constraint or cascade of Django's may get in their way.
    return models.OneToOneField(
        model,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_document",
        related_query_name="search_document",
    )


class SearchDocument(models.Model):
    """The weighted full-text document of one topic, comparison or FAQ.

    On PostgreSQL, triggers (migration 0006) rewrite the row whenever its
    item, or one of a topic's sections, is inserted, updated or deleted, by
    any route (admin, fixtures, bulk loads), and search reads it through a
    GIN index instead of building every document on every query. Other
    databases leave the table empty and search by word match.
    """

    topic = indexed_item(Topic)
    comparison = indexed_item(Comparison)
    faq = indexed_item(FAQ)
    document = SearchVectorField()

    class Meta:
        ordering = ["pk"]
        verbose_name = "search document"

    def __str__(self):
        item = self.topic or self.comparison or self.faq
        return f"Search document of {item}"

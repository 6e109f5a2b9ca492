from django.db import models
from simple_history.models import HistoricalRecords

from .publication import (
    Publishable,
    RenderedMarkdownMixin,
    markdown_html_field,
    markdown_text_field,
)


class Source(models.Model):
    """A citation backing the content, e.g. a NIDA research report."""

    title = models.CharField(max_length=300)
    publisher = models.CharField(
        max_length=200, help_text="Organisation that published it, e.g. NIDA."
    )
    url = models.URLField(max_length=500, blank=True)
    statement = models.TextField(
        blank=True,
        help_text="The statement of this source that the content relies on, quoted.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["publisher", "title"]

    def __str__(self):
        return f"{self.publisher}: {self.title}"


class Topic(RenderedMarkdownMixin, Publishable):
    """A subject page, such as “Heroin rehab” or “Medical detox”."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(
        help_text="One or two plain sentences shown in lists and search results."
    )
    body = models.TextField(blank=True, help_text="Introduction, in Markdown.")
    body_html = markdown_html_field()
    body_text = markdown_text_field()
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="Broader topic this one belongs under, if any.",
    )
    related_topics = models.ManyToManyField("self", blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="topics")

    history = HistoricalRecords(m2m_fields=[related_topics, sources])
    markdown_fields = ("body",)

    class Meta(Publishable.Meta):
        ordering = ["title"]
        permissions = [
            ("publish_topic", "Can publish and unpublish topics"),
            ("review_topic", "Can record medical reviews of topics"),
        ]

    def __str__(self):
        return self.title


class Section(RenderedMarkdownMixin, models.Model):
    """An ordered part of a topic page: a heading and its text.

    Sections have no status of their own: they are public when their topic is.
    """

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(default=0, help_text="Smaller comes first.")
    heading = models.CharField(max_length=200)
    anchor = models.SlugField(
        max_length=100, help_text="Fragment identifier, unique within the topic."
    )
    body = models.TextField(help_text="Markdown.")
    body_html = markdown_html_field()
    body_text = markdown_text_field()

    history = HistoricalRecords()
    markdown_fields = ("body",)

    class Meta:
        ordering = ["topic", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "anchor"], name="content_section_unique_anchor"
            )
        ]

    def __str__(self):
        return self.heading

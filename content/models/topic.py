from django.db import models
from django.db.models import Prefetch
from django.db.models.deletion import ProtectedError
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .publication import (
    ITEMS_ONLY,
    Publishable,
    PublishableQuerySet,
    RenderedMarkdownMixin,
    SharedByLiveContent,
    is_published,
    markdown_html_field,
    markdown_text_field,
    public_list_index,
    unique_slug_among_items,
)


class SourceQuerySet(models.QuerySet):
    def delete(self):
        for source in self:
            source.refuse_delete_while_cited()
        return super().delete()


class Source(SharedByLiveContent):
    """A citation backing the content, e.g. a NIDA research report.

    A cited source cannot be deleted: that would silently change every page
    citing it. The citation is removed from each page first.
    """

    title = models.CharField(max_length=300)
    publisher = models.CharField(
        max_length=200, help_text="Organisation that published it, e.g. NIDA."
    )
    url = models.URLField(max_length=500, blank=True)
    statement = models.TextField(
        blank=True,
        help_text="The statement of this source that the content relies on, quoted.",
    )

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()
    public_fields = ("title", "publisher", "url", "statement")
    frozen_while_live = True

    class Meta:
        ordering = ["publisher", "title"]

    def __str__(self):
        return f"{self.publisher}: {self.title}"

    def delete(self, *args, **kwargs):
        self.refuse_delete_while_cited()
        return super().delete(*args, **kwargs)

    def showing_items(self) -> list[Publishable]:
        return [*self.topics.all(), *self.comparisons.all()]

    def refuse_delete_while_cited(self) -> None:
        citing = self.showing_items()
        if citing:
            names = ", ".join(
                f"{type(item)._meta.verbose_name} “{item}”" for item in citing
            )
            raise ProtectedError(
                f"The source “{self}” is cited by {names}; remove the citation "
                "from each before deleting the source.",
                set(citing),
            )


class TopicQuerySet(PublishableQuerySet):
    def pages(self, now=None):
        """Public topics with their public FAQs, comparisons, sub-topics and
        related topics, and whether their parent is public."""
        from .comparison import Comparison
        from .faq import FAQ

        now = now or timezone.now()
        public_topics = Topic.objects.published(now)
        return (
            super()
            .pages(now)
            .select_related("parent")
            .annotate(parent_is_public=is_published(Topic.objects, now, "parent_id"))
            .prefetch_related(
                "sections",
                "sources",
                Prefetch("faqs", FAQ.objects.published(now), to_attr="public_faqs"),
                Prefetch(
                    "comparisons",
                    Comparison.objects.published(now),
                    to_attr="public_comparisons",
                ),
                Prefetch("children", public_topics, to_attr="public_children"),
                Prefetch(
                    "related_topics", public_topics, to_attr="public_related_topics"
                ),
            )
        )


class Topic(RenderedMarkdownMixin, Publishable):
    """A subject page, such as “Heroin rehab” or “Medical detox”."""

    # Unique among items; a revision carries its live item's slug.
    slug = models.SlugField(max_length=100)
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
        # Sub-topics are moved or deleted first: nothing is unlinked silently.
        on_delete=models.PROTECT,
        related_name="children",
        limit_choices_to=ITEMS_ONLY,
        help_text="Broader topic this one belongs under, if any.",
    )
    related_topics = models.ManyToManyField(
        "self", blank=True, limit_choices_to=ITEMS_ONLY
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="topics")

    history = HistoricalRecords(m2m_fields=[related_topics, sources])
    markdown_fields = ("body",)

    objects = TopicQuerySet.as_manager()

    class Meta(Publishable.Meta):
        constraints = [
            *Publishable.Meta.constraints,
            unique_slug_among_items("topic"),
        ]
        indexes = [public_list_index("topic", "title")]
        ordering = ["title"]
        permissions = [
            ("publish_topic", "Can publish and unpublish topics"),
            ("review_topic", "Can record medical reviews of topics"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pages:topic", kwargs={"slug": self.slug})

    def public_text_parts(self) -> list[str]:
        parts = [self.title, self.summary, self.body_text]
        if self.pk:
            for section in self.sections.all():
                parts += [section.heading, section.body_text]
        return parts


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

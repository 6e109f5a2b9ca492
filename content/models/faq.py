from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .comparison import Comparison
from .publication import (
    ITEMS_ONLY,
    Publishable,
    PublishableQuerySet,
    RenderedMarkdownMixin,
    markdown_html_field,
    markdown_text_field,
    published_q,
)
from .topic import Topic


class FAQQuerySet(PublishableQuerySet):
    published_parents = ("topic",)

    def published(self, now=None):
        """Public FAQs whose topic, and comparison if they have one, are public."""
        now = now or timezone.now()
        return (
            super()
            .published(now)
            .filter(
                models.Q(comparison__isnull=True)
                | (
                    published_q(now, prefix="comparison__")
                    & published_q(now, prefix="comparison__topic__")
                )
            )
        )

    def pages(self, now=None):
        return super().pages(now).select_related("topic", "comparison")


class FAQ(RenderedMarkdownMixin, Publishable):
    """A question and its answer, on a topic page and optionally a comparison."""

    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        related_name="faqs",
        limit_choices_to=ITEMS_ONLY,
    )
    comparison = models.ForeignKey(
        Comparison,
        null=True,
        blank=True,
        # Never SET_NULL: an FAQ hidden with its comparison would go public.
        on_delete=models.PROTECT,
        related_name="faqs",
        limit_choices_to=ITEMS_ONLY,
        help_text="Also show this FAQ with a comparison.",
    )
    position = models.PositiveIntegerField(default=0, help_text="Smaller comes first.")
    question = models.CharField(max_length=300)
    answer = models.TextField(help_text="Markdown.")
    answer_html = markdown_html_field()
    answer_text = markdown_text_field()

    objects = FAQQuerySet.as_manager()
    history = HistoricalRecords()
    markdown_fields = ("answer",)

    class Meta(Publishable.Meta):
        ordering = ["topic", "position", "id"]
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"
        permissions = [
            ("publish_faq", "Can publish and unpublish FAQs"),
            ("review_faq", "Can record medical reviews of FAQs"),
        ]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("pages:faq", kwargs={"id": self.pk})

    def public_text_parts(self) -> list[str]:
        return [self.question, self.answer_text]

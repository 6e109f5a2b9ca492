"""Comparisons of treatment options, with the criteria that decide between them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .publication import (
    ITEMS_ONLY,
    PublicationStatus,
    Publishable,
    PublishableQuerySet,
    RenderedMarkdownMixin,
    is_published,
    markdown_html_field,
    markdown_text_field,
    public_list_index,
    published_q,
    unique_slug_among_items,
)
from .topic import Source, Topic

MINIMUM_OPTIONS = 2


class ComparisonQuerySet(PublishableQuerySet):
    published_parents = ("topic",)

    def pages(self, now=None):
        """Public comparisons with their options (and whether each option's
        topic is public), aspects, public criteria and public FAQs."""
        from .faq import FAQ

        now = now or timezone.now()
        options = (
            ComparisonOption.objects.select_related("topic")
            .annotate(topic_is_public=is_published(Topic.objects, now, "topic_id"))
            .prefetch_related("points")
        )
        criteria = Criterion.objects.published(now).prefetch_related(
            models.Prefetch("effects", CriterionEffect.objects.select_related("option"))
        )
        return (
            super()
            .pages(now)
            .select_related("topic")
            .prefetch_related(
                models.Prefetch("options", options),
                models.Prefetch("aspects__cells", AspectCell.objects.all()),
                models.Prefetch("criteria", criteria, to_attr="public_criteria"),
                models.Prefetch(
                    "faqs", FAQ.objects.published(now), to_attr="public_faqs"
                ),
                "sources",
            )
        )


class Comparison(RenderedMarkdownMixin, Publishable):
    """A side-by-side comparison, e.g. “Inpatient vs. outpatient heroin rehab”."""

    # Unique among items; a revision carries its live item's slug.
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        related_name="comparisons",
        limit_choices_to=ITEMS_ONLY,
        help_text="Topic page the comparison belongs to; it is public only with it.",
    )
    summary = models.TextField(
        help_text="One or two plain sentences shown in lists and search results."
    )
    introduction = models.TextField(blank=True, help_text="Markdown.")
    introduction_html = markdown_html_field()
    introduction_text = markdown_text_field()
    conclusion = models.TextField(
        blank=True, help_text="Markdown: how to choose, in a paragraph or two."
    )
    conclusion_html = markdown_html_field()
    conclusion_text = markdown_text_field()
    sources = models.ManyToManyField(Source, blank=True, related_name="comparisons")

    objects = ComparisonQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sources])
    markdown_fields = ("introduction", "conclusion")

    class Meta(Publishable.Meta):
        constraints = [
            *Publishable.Meta.constraints,
            unique_slug_among_items("comparison"),
        ]
        indexes = [public_list_index("comparison", "title")]
        ordering = ["title"]
        permissions = [
            ("publish_comparison", "Can publish and unpublish comparisons"),
            ("review_comparison", "Can record medical reviews of comparisons"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pages:comparison", kwargs={"slug": self.slug})

    def public_text_parts(self) -> list[str]:
        parts = [
            self.title,
            self.summary,
            self.introduction_text,
            self.conclusion_text,
        ]
        if self.pk:
            for option in self.options.prefetch_related("points"):
                parts += [option.summary, option.favoured_lead, option.required_lead]
                parts += [point.text for point in option.points.all()]
            parts += AspectCell.objects.filter(aspect__comparison=self).values_list(
                "text", flat=True
            )
            for criterion in self.criteria.all():
                parts += [criterion.question, criterion.help_text]
            parts += CriterionEffect.objects.filter(
                criterion__comparison=self
            ).values_list("reason", flat=True)
        return parts

    def clean(self):
        super().clean()
        if (
            self.status == PublicationStatus.PUBLISHED
            and self.pk
            and self.options.count() < MINIMUM_OPTIONS
        ):
            raise ValidationError(
                {
                    "status": f"A comparison needs {MINIMUM_OPTIONS} or more options "
                    "before it can be published."
                }
            )


class ComparisonOption(models.Model):
    """One of the things compared, e.g. inpatient rehab."""

    comparison = models.ForeignKey(
        Comparison, on_delete=models.CASCADE, related_name="options"
    )
    position = models.PositiveIntegerField(default=0, help_text="Smaller comes first.")
    key = models.SlugField(
        max_length=50,
        help_text="Stable identifier within the comparison, e.g. “inpatient”.",
    )
    name = models.CharField(max_length=100)
    summary = models.TextField(blank=True, help_text="One or two plain sentences.")
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to=ITEMS_ONLY,
        help_text="Topic page that describes this option, if there is one.",
    )
    favoured_lead = models.CharField(
        max_length=300,
        blank=True,
        help_text="Introduces the circumstances that favour this option, "
        "e.g. “Inpatient treatment is essential for people who have:”.",
    )
    required_lead = models.CharField(
        max_length=300,
        blank=True,
        help_text="Introduces the circumstances this option needs, e.g. "
        "“Outpatient rehab can work for some people, as long as they have:”.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["comparison", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["comparison", "key"], name="content_option_unique_key"
            )
        ]

    def __str__(self):
        return self.name


class Aspect(models.Model):
    """A row of the comparison table, e.g. “Medical supervision”."""

    comparison = models.ForeignKey(
        Comparison, on_delete=models.CASCADE, related_name="aspects"
    )
    position = models.PositiveIntegerField(default=0, help_text="Smaller comes first.")
    key = models.SlugField(
        max_length=50, help_text="Stable identifier within the comparison."
    )
    name = models.CharField(max_length=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["comparison", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["comparison", "key"], name="content_aspect_unique_key"
            )
        ]

    def __str__(self):
        return self.name


class AspectCell(models.Model):
    """What one option offers for one aspect: a cell of the comparison table."""

    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="cells")
    option = models.ForeignKey(
        ComparisonOption, on_delete=models.CASCADE, related_name="cells"
    )
    text = models.TextField(help_text="Plain text, a sentence or two.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["aspect", "option__position", "option_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["aspect", "option"], name="content_cell_unique_per_option"
            )
        ]

    def __str__(self):
        return f"{self.aspect} / {self.option}"

    def clean(self):
        super().clean()
        if (
            self.aspect_id
            and self.option_id
            and self.aspect.comparison_id != self.option.comparison_id
        ):
            raise ValidationError(
                {"option": "The option must belong to the aspect's comparison."}
            )


class PointKind(models.TextChoices):
    BENEFIT = "benefit", "Benefit"
    DRAWBACK = "drawback", "Drawback"


class OptionPoint(models.Model):
    """A benefit or drawback of an option, as a list item."""

    option = models.ForeignKey(
        ComparisonOption, on_delete=models.CASCADE, related_name="points"
    )
    kind = models.CharField(
        max_length=10, choices=PointKind.choices, default=PointKind.BENEFIT
    )
    position = models.PositiveIntegerField(default=0, help_text="Smaller comes first.")
    text = models.TextField(help_text="Plain text, one sentence.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["option", "kind", "position", "id"]
        verbose_name = "benefit or drawback"
        verbose_name_plural = "benefits and drawbacks"

    def __str__(self):
        return self.text


class CriterionQuerySet(models.QuerySet):
    def published(self, now=None):
        """Criteria the public may see: switched on, in a public comparison."""
        now = now or timezone.now()
        return self.filter(
            published_q(now, prefix="comparison__"),
            published_q(now, prefix="comparison__topic__"),
            is_published=True,
        )


class Criterion(models.Model):
    """A yes/no question about the person's circumstances that decides between options.

    What each answer means for each option is a ``CriterionEffect``.
    """

    comparison = models.ForeignKey(
        Comparison, on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveIntegerField(default=0, help_text="Smaller comes first.")
    key = models.SlugField(
        max_length=50,
        help_text="Stable identifier that apps send answers under; do not change "
        "once published.",
    )
    question = models.CharField(
        max_length=300,
        help_text="A yes/no question, e.g. “Do you have a safe, stable place to live?”",
    )
    help_text = models.TextField(
        blank=True, help_text="Optional plain-text explanation shown with the question."
    )
    is_published = models.BooleanField(
        default=False,
        help_text="Shown to the public when the comparison is: switching it on "
        "or off is a change of the comparison, reviewed and published with it.",
    )

    objects = CriterionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["comparison", "position", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["comparison", "key"], name="content_criterion_unique_key"
            )
        ]

    def __str__(self):
        return self.question


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class Effect(models.TextChoices):
    FAVOURS = "favours", "Favours the option"
    RULES_OUT = "rules_out", "Rules the option out"


class CriterionEffect(models.Model):
    """What one answer to a criterion means for one option."""

    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="effects"
    )
    option = models.ForeignKey(
        ComparisonOption, on_delete=models.CASCADE, related_name="criterion_effects"
    )
    answer = models.CharField(max_length=3, choices=Answer.choices)
    effect = models.CharField(max_length=10, choices=Effect.choices)
    reason = models.CharField(
        max_length=300,
        help_text="The circumstance in the editors' words, as listed for the "
        "option, e.g. “An unsafe or unstable place to live.”",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion", "option__position", "answer"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "option", "answer"],
                name="content_effect_unique_per_answer",
            )
        ]

    def __str__(self):
        effect = self.get_effect_display().lower()
        return f"{self.criterion.key} = {self.answer}: {effect} ({self.option})"

    def clean(self):
        super().clean()
        if (
            self.criterion_id
            and self.option_id
            and self.criterion.comparison_id != self.option.comparison_id
        ):
            raise ValidationError(
                {"option": "The option must belong to the criterion's comparison."}
            )

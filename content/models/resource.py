from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .publication import (
    Publishable,
    PublishableQuerySet,
    RenderedMarkdownMixin,
    markdown_html_field,
    markdown_text_field,
    public_list_index,
    unique_slug_among_items,
)

NATIONAL = "US"


class ResourceKind(models.TextChoices):
    HELPLINE = "helpline", "Helpline"
    CRISIS_LINE = "crisis_line", "Crisis line"
    TREATMENT_LOCATOR = "treatment_locator", "Treatment locator"
    ORGANISATION = "organisation", "Organisation"


class Region(models.TextChoices):
    """The whole United States, or one state, district or territory."""

    NATIONAL = NATIONAL, "United States (national)"
    AL = "AL", "Alabama"
    AK = "AK", "Alaska"
    AZ = "AZ", "Arizona"
    AR = "AR", "Arkansas"
    CA = "CA", "California"
    CO = "CO", "Colorado"
    CT = "CT", "Connecticut"
    DE = "DE", "Delaware"
    DC = "DC", "District of Columbia"
    FL = "FL", "Florida"
    GA = "GA", "Georgia"
    HI = "HI", "Hawaii"
    ID = "ID", "Idaho"
    IL = "IL", "Illinois"
    IN = "IN", "Indiana"
    IA = "IA", "Iowa"
    KS = "KS", "Kansas"
    KY = "KY", "Kentucky"
    LA = "LA", "Louisiana"
    ME = "ME", "Maine"
    MD = "MD", "Maryland"
    MA = "MA", "Massachusetts"
    MI = "MI", "Michigan"
    MN = "MN", "Minnesota"
    MS = "MS", "Mississippi"
    MO = "MO", "Missouri"
    MT = "MT", "Montana"
    NE = "NE", "Nebraska"
    NV = "NV", "Nevada"
    NH = "NH", "New Hampshire"
    NJ = "NJ", "New Jersey"
    NM = "NM", "New Mexico"
    NY = "NY", "New York"
    NC = "NC", "North Carolina"
    ND = "ND", "North Dakota"
    OH = "OH", "Ohio"
    OK = "OK", "Oklahoma"
    OR = "OR", "Oregon"
    PA = "PA", "Pennsylvania"
    PR = "PR", "Puerto Rico"
    RI = "RI", "Rhode Island"
    SC = "SC", "South Carolina"
    SD = "SD", "South Dakota"
    TN = "TN", "Tennessee"
    TX = "TX", "Texas"
    UT = "UT", "Utah"
    VT = "VT", "Vermont"
    VA = "VA", "Virginia"
    WA = "WA", "Washington"
    WV = "WV", "West Virginia"
    WI = "WI", "Wisconsin"
    WY = "WY", "Wyoming"


class ResourceQuerySet(PublishableQuerySet):
    def national_help_lines(self, now=None):
        """Published national help and crisis lines: what every public page lists."""
        return self.published(now).filter(
            region=NATIONAL,
            kind__in=[ResourceKind.HELPLINE, ResourceKind.CRISIS_LINE],
        )


class Resource(RenderedMarkdownMixin, Publishable):
    """Where to get help: a helpline, a treatment locator or an organisation."""

    # Unique among items; a revision carries its live item's slug.
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ResourceKind.choices)
    phone = models.CharField(
        max_length=40,
        blank=True,
        help_text="As it should be dialled, e.g. 1-800-662-4357.",
    )
    text_number = models.CharField(
        max_length=40,
        blank=True,
        help_text="Number that accepts text messages, if any.",
    )
    url = models.URLField(max_length=500, blank=True)
    description = models.TextField(help_text="Markdown.")
    description_html = markdown_html_field()
    description_text = markdown_text_field()
    availability = models.CharField(
        max_length=200,
        blank=True,
        help_text="When it can be reached, e.g. “24/7, 365 days a year”.",
    )
    region = models.CharField(
        max_length=2,
        choices=Region.choices,
        default=NATIONAL,
        db_index=True,
        help_text="National resources are shown for every state.",
    )
    keywords = models.CharField(
        max_length=300,
        blank=True,
        help_text="Comma-separated search words, e.g. “detox, opioids”.",
    )

    history = HistoricalRecords()

    objects = ResourceQuerySet.as_manager()

    markdown_fields = ("description",)

    class Meta(Publishable.Meta):
        constraints = [
            *Publishable.Meta.constraints,
            unique_slug_among_items("resource"),
        ]
        indexes = [public_list_index("resource", "name")]
        ordering = ["name"]
        permissions = [
            ("publish_resource", "Can publish and unpublish resources"),
            ("review_resource", "Can record reviews of resources"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("v1:resource-detail", kwargs={"slug": self.slug})

    def public_text_parts(self) -> list[str]:
        return [self.description_text, self.availability]

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(",") if word.strip()]

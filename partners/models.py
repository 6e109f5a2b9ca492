"""Partners: the sites and apps that call the API with a key, and their usage.

Only a hash and a short prefix of each key are stored; the key itself is shown
once, when it is issued. Usage is counted per partner, day and endpoint family,
and never records anything about the people using a partner's site. A partner
login links a user account to one partner, for the pages at /partners/.

The partner, key and usage tables keep the names they were created with in the
``api`` app (``api_partner``...): the models moved here without moving any data.
"""

import datetime
from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from rest_framework_api_key.models import AbstractAPIKey
from simple_history.models import HistoricalRecords

DEFAULT_PORTS = {"http": 80, "https": 443}
KEY_NAME_LENGTH = 50  # AbstractAPIKey.name's max_length.
USAGE_DAYS = 30
FAMILY_LABELS = {
    "root": "API root",
    "topics": "Topics",
    "comparisons": "Comparisons",
    "faqs": "FAQs",
    "resources": "Resources",
    "search": "Search",
    "assessment": "Decision helper",
    "embed": "Embedded widgets",
    "jsonld": "JSON-LD",
}


def family_label(family: str) -> str:
    return FAMILY_LABELS.get(family, family.replace("-", " ").capitalize())


def normalise_origin(value: str, *, allow_path: bool = False) -> str | None:
    """``scheme://host[:port]`` in lower case, without a default port; None if invalid.

    ``allow_path`` takes the origin of a full address (a Referer); otherwise
    anything after the host, but a lone ``/``, makes the value invalid.
    """
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in DEFAULT_PORTS or not host or "@" in parts.netloc:
        return None
    if not allow_path and (
        parts.path not in ("", "/") or parts.query or parts.fragment
    ):
        return None
    if ":" in host:  # An IPv6 literal keeps its brackets.
        host = f"[{host}]"
    if port is not None and port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    return f"{scheme}://{host}"


class RateTier(models.TextChoices):
    """Rate limits of partners' keys; settings.PARTNER_RATE_TIERS gives each a rate."""

    STANDARD = "standard", "Standard"
    HIGH = "high", "High"
    UNLIMITED = "unlimited", "Unlimited"


class Partner(models.Model):
    """A site or app that uses the API, or embeds its widgets, with its own keys."""

    name = models.CharField(max_length=200, unique=True)
    contact_name = models.CharField(
        max_length=200, blank=True, help_text="Who to tell about keys and outages."
    )
    contact_email = models.EmailField()
    allowed_origins = models.TextField(
        blank=True,
        help_text="The partner's websites that may use its keys from a browser "
        "(widgets, JavaScript), one per line, e.g. https://clinic.example: "
        "https:// or http://, the host name, and a port only if it is not the "
        "usual one; no path. Leave empty for keys used only from servers.",
    )
    rate_tier = models.CharField(
        max_length=20,
        choices=RateTier.choices,
        default=RateTier.STANDARD,
        help_text="How many requests the partner's keys may make.",
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Untick to refuse all of the partner's keys at once (they get "
        "401) without revoking them.",
    )
    notes = models.TextField(
        blank=True, help_text="Internal notes, e.g. the agreement. Never public."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(table_name="api_historicalpartner")

    class Meta:
        db_table = "api_partner"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        origins, errors = [], []
        validate_url = URLValidator(schemes=list(DEFAULT_PORTS))
        for line in self.allowed_origins.splitlines():
            if not line.strip():
                continue
            origin = normalise_origin(line)
            try:
                validate_url(line.strip())
            except ValidationError:
                origin = None
            if origin is None:
                errors.append(
                    f"“{line.strip()}” is not an origin: write the scheme and the "
                    "host only, e.g. https://clinic.example."
                )
            elif origin not in origins:
                origins.append(origin)
        if errors:
            raise ValidationError({"allowed_origins": errors})
        self.allowed_origins = "\n".join(origins)

    @property
    def allowed_origin_list(self) -> list[str]:
        """The allowed origins, normalised (e.g. for CSP frame-ancestors)."""
        origins = []
        for line in self.allowed_origins.splitlines():
            origin = normalise_origin(line) if line.strip() else None
            if origin and origin not in origins:
                origins.append(origin)
        return origins

    def allows_origin(self, origin: str) -> bool:
        normalised = normalise_origin(origin)
        return normalised is not None and normalised in self.allowed_origin_list

    def issue_key(self, label: str = "") -> tuple["PartnerAPIKey", str]:
        """A new key for this partner, and the key itself: the only time it is seen."""
        name = label or f"Issued {timezone.now():%Y-%m-%d %H:%M} UTC"
        return PartnerAPIKey.objects.create_key(
            partner=self, name=name[:KEY_NAME_LENGTH]
        )

    def usage_by_day(self, days: int = USAGE_DAYS) -> dict:
        """Requests per UTC day and endpoint family over the last ``days`` days.

        What the admin and the partner's own page show: a row per day (newest
        first, days without requests included), a column per family used.
        """
        today = timezone.now().date()
        since = today - datetime.timedelta(days=days - 1)
        counts: dict[datetime.date, dict[str, int]] = defaultdict(dict)
        for day, family, count in self.usage.filter(day__gte=since).values_list(
            "day", "family", "count"
        ):
            counts[day][family] = count
        families = sorted({family for row in counts.values() for family in row})
        return {
            "days": days,
            "columns": [family_label(family) for family in families],
            "rows": [
                {
                    "day": day,
                    "counts": [counts[day].get(family, 0) for family in families],
                    "total": sum(counts[day].values()),
                }
                for day in (today - datetime.timedelta(days=n) for n in range(days))
            ],
            "totals": [
                sum(row.get(family, 0) for row in counts.values())
                for family in families
            ],
            "total": sum(sum(row.values()) for row in counts.values()),
        }

    def revoke_keys(self) -> list["PartnerAPIKey"]:
        """Revoke every usable key; returns the keys revoked."""
        revoked = list(self.api_keys.filter(revoked=False))
        for api_key in revoked:
            api_key.revoked = True
            api_key.save(update_fields=["revoked"])
        return revoked


class PartnerAPIKey(AbstractAPIKey):
    """One key of a partner: its prefix and a SHA-512 hash of the whole key."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="api_keys"
    )

    history = HistoricalRecords(table_name="api_historicalpartnerapikey")

    class Meta(AbstractAPIKey.Meta):
        db_table = "api_partnerapikey"
        verbose_name = "partner API key"
        verbose_name_plural = "partner API keys"

    def __str__(self):
        return f"{self.prefix}… ({self.name})"


class PartnerUsage(models.Model):
    """Requests made with a partner's keys in one UTC day to one endpoint family.

    Deliberately nothing else: no address, user agent or anything else about
    the people using the partner's site.
    """

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="usage")
    day = models.DateField(help_text="The day (UTC).")
    family = models.CharField(
        max_length=40,
        help_text="Endpoint family, e.g. topics, search, assessment, embed.",
    )
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        db_table = "api_partnerusage"
        ordering = ["-day", "family"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "day", "family"],
                name="partner_usage_one_row_per_day_and_family",
            )
        ]
        verbose_name = "usage count"

    def __str__(self):
        return f"{self.partner}: {self.count} {self.family} requests on {self.day}"


class PartnerUser(models.Model):
    """A user account that signs in to the partner pages of one partner.

    Not staff: it never reaches the admin, only ``/partners/``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_login",
        help_text="The account the partner signs in with.",
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        related_name="logins",
        help_text="Whose usage, origins and keys this login sees and manages.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner__name", "user__username"]
        verbose_name = "partner login"

    def __str__(self):
        return f"{self.user.get_username()} ({self.partner})"

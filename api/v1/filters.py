"""Collection filters of API v1 (django-filter)."""

import datetime
import re

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django_filters.constants import EMPTY_VALUES

from content.models import (
    FAQ,
    NATIONAL,
    Comparison,
    Region,
    Resource,
    ResourceKind,
    Topic,
)

# A date, then a time: ``T`` or a space, then at least hours and minutes.
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


class StrictIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date and time; a bare date is refused, as the schema's
    ``date-time`` format says (Python would read it as midnight)."""

    def to_python(self, value):
        if value not in self.empty_values and not DATE_TIME.match(str(value).strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class StrictIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = StrictIsoDateTimeField


class PublishedSlugFilter(django_filters.CharFilter):
    """Items related to the *published* item with this slug.

    The slug is looked up among published items only, so a hidden item's
    slug answers exactly as a slug that never existed: no filter confirms
    that a draft exists.
    """

    def __init__(self, *, model, **kwargs):
        super().__init__(**kwargs)
        # Not ``self.model``: django-filter sets that to the filterset's model.
        self.item_model = model

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        published = self.item_model.objects.published().filter(slug=value)
        return qs.filter(**{f"{self.field_name}__in": published})


class UpdatedSinceFilterSet(django_filters.FilterSet):
    updated_since = StrictIsoDateTimeFilter(
        method="filter_updated_since",
        help_text="Only items changed at or after this ISO 8601 date and time, "
        "e.g. 2026-11-01T00:00:00Z (without an offset, UTC). A bare date is a 400.",
        error_messages={
            "invalid": "Enter a date and time, e.g. 2026-11-01T00:00:00Z.",
        },
    )

    def filter_updated_since(self, queryset, name, value):
        # In UTC: databases refuse exotic offsets (PostgreSQL stops at ±15:59).
        try:
            since = value.astimezone(datetime.UTC)
        except OverflowError:
            # Before year 1 in UTC everything is newer; after 9999, nothing.
            return queryset if value.year == datetime.MINYEAR else queryset.none()
        return queryset.filter(updated_at__gte=since)


class TopicFilter(UpdatedSinceFilterSet):
    parent = PublishedSlugFilter(
        model=Topic,
        field_name="parent",
        help_text="Only sub-topics of the topic with this slug.",
    )

    class Meta:
        model = Topic
        fields = ["parent", "updated_since"]


class ComparisonFilter(UpdatedSinceFilterSet):
    topic = PublishedSlugFilter(
        model=Topic,
        field_name="topic",
        help_text="Only comparisons of the topic with this slug.",
    )

    class Meta:
        model = Comparison
        fields = ["topic", "updated_since"]


class FAQFilter(UpdatedSinceFilterSet):
    topic = PublishedSlugFilter(
        model=Topic,
        field_name="topic",
        help_text="Only FAQs of the topic with this slug.",
    )
    comparison = PublishedSlugFilter(
        model=Comparison,
        field_name="comparison",
        help_text="Only FAQs shown with the comparison with this slug.",
    )

    class Meta:
        model = FAQ
        fields = ["topic", "comparison", "updated_since"]


class ResourceFilter(UpdatedSinceFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=ResourceKind.choices, help_text="Only resources of this kind."
    )
    region = django_filters.ChoiceFilter(
        choices=Region.choices,
        method="filter_region",
        help_text="US state code (e.g. CA) or US; a state also returns national "
        "resources.",
    )
    keyword = django_filters.CharFilter(
        method="filter_keyword",
        max_length=100,
        help_text="Word to look for in the name, keywords and description.",
    )

    class Meta:
        model = Resource
        fields = ["kind", "region", "keyword", "updated_since"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__in={value, NATIONAL})

    def filter_keyword(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(keywords__icontains=value)
            | Q(description_text__icontains=value)
        )

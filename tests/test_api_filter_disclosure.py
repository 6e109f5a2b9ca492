"""Filters that name an item answer for a hidden item exactly as for a missing one."""

import django_filters
import pytest

from api.v1 import filters
from api.v1.filters import PublishedSlugFilter
from content.models import FAQ, Comparison, Topic
from tests.conftest import reviewed

# Every filter naming an item: (collection path, parameter).
ITEM_FILTERS = [
    ("/api/v1/topics/", "parent"),
    ("/api/v1/comparisons/", "topic"),
    ("/api/v1/faqs/", "topic"),
    ("/api/v1/faqs/", "comparison"),
]


def test_every_filter_naming_an_item_resolves_published_items_only():
    naming = [
        (filterset.__name__, name)
        for filterset in vars(filters).values()
        if isinstance(filterset, type)
        and issubclass(filterset, django_filters.FilterSet)
        for name, field in filterset.base_filters.items()
        if isinstance(field, PublishedSlugFilter)
        or "__" in (field.field_name or "")
        or name in {"parent", "topic", "comparison"}
    ]

    for filterset_name, name in naming:
        field = getattr(filters, filterset_name).base_filters[name]
        assert isinstance(field, PublishedSlugFilter), (filterset_name, name)
    assert len(naming) == len(ITEM_FILTERS)


@pytest.fixture
def hidden_items_with_public_dependents(reviewer, published_topic, draft_topic):
    """A draft topic and comparison, each with dependents that are public."""
    Topic.objects.create(
        **reviewed(
            reviewer, slug="child", title="Child", summary="Sub.", parent=draft_topic
        )
    )
    draft_comparison = Comparison.objects.create(
        slug="draft-comparison",
        title="Draft comparison",
        topic=published_topic,
        summary="Hidden.",
    )
    FAQ.objects.create(
        **reviewed(
            reviewer,
            topic=published_topic,
            comparison=draft_comparison,
            question="Hidden with its comparison?",
            answer="Yes.",
        )
    )
    return {"topic": draft_topic.slug, "comparison": draft_comparison.slug}


@pytest.mark.parametrize(("path", "parameter"), ITEM_FILTERS)
def test_filter_by_hidden_item_answers_as_for_a_missing_one(
    client, hidden_items_with_public_dependents, path, parameter
):
    kind = "comparison" if parameter == "comparison" else "topic"
    hidden_slug = hidden_items_with_public_dependents[kind]

    hidden = client.get(path, {parameter: hidden_slug})
    missing = client.get(path, {parameter: "never-existed"})

    assert hidden.status_code == missing.status_code == 200
    assert hidden.json() == missing.json()
    assert hidden.json()["count"] == 0


def test_filter_by_published_parent_lists_its_sub_topics(
    client, reviewer, published_topic
):
    Topic.objects.create(
        **reviewed(
            reviewer,
            slug="detox",
            title="Detox",
            summary="Sub.",
            parent=published_topic,
        )
    )

    response = client.get("/api/v1/topics/", {"parent": "heroin-rehab"})

    assert [topic["slug"] for topic in response.json()["results"]] == ["detox"]

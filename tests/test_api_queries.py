"""Query bounds: every endpoint runs as many SQL queries for 50 items as for 1.

Each limit is the count measured with one item. Reads of published items
come from stored documents (publishing.documents): the first read renders
them (one query per relation, the links and schedule of what they show, the
store), every later read is one indexed read (a list page: its count, its
ids and their entries). Neither grows with the items shown.
"""

import pytest

from content.models import (
    FAQ,
    Aspect,
    AspectCell,
    Comparison,
    ComparisonOption,
    Criterion,
    CriterionEffect,
    OptionPoint,
    Resource,
    Section,
    Source,
    Topic,
)
from tests.api_factories import make_comparison, make_topic
from tests.conftest import reviewed

SIZES = pytest.mark.parametrize("size", [1, 50])


def bulk_topics(reviewer, size: int, prefix: str, **fields) -> list[Topic]:
    return Topic.objects.bulk_create(
        Topic(
            **reviewed(
                reviewer,
                slug=f"{prefix}-{n}",
                title=f"{prefix.capitalize()} {n}",
                summary="Summary.",
                **fields,
            )
        )
        for n in range(size)
    )


def bulk_comparisons(reviewer, topic, size: int, options: int = 2):
    comparisons = Comparison.objects.bulk_create(
        Comparison(
            **reviewed(
                reviewer,
                slug=f"comparison-{n}",
                title=f"Comparison {n}",
                topic=topic,
                summary="Summary.",
            )
        )
        for n in range(size)
    )
    ComparisonOption.objects.bulk_create(
        ComparisonOption(comparison=comparison, position=p, key=f"o{p}", name=f"O{p}")
        for comparison in comparisons
        for p in range(options)
    )
    return comparisons


def bulk_faqs(reviewer, topic, size: int, **fields) -> list[FAQ]:
    return FAQ.objects.bulk_create(
        FAQ(
            **reviewed(
                reviewer,
                topic=topic,
                position=n,
                question=f"Question {n}?",
                answer="Answer.",
                **fields,
            )
        )
        for n in range(size)
    )


def bulk_sources(size: int) -> list[Source]:
    return Source.objects.bulk_create(
        Source(title=f"Report {n}", publisher="NIDA") for n in range(size)
    )


def root(reviewer, size):
    bulk_topics(reviewer, size, "topic")
    return "/api/v1/"


def topic_list(reviewer, size):
    parent = make_topic(reviewer, "parent")
    bulk_topics(reviewer, size, "topic", parent=parent)
    return "/api/v1/topics/?limit=100"


def topic_detail(reviewer, size):
    parent = make_topic(reviewer, "parent")
    topic = make_topic(reviewer, "heroin-rehab", parent=parent)
    Section.objects.bulk_create(
        Section(topic=topic, position=n, heading=f"H{n}", anchor=f"h{n}", body="B.")
        for n in range(size)
    )
    bulk_faqs(reviewer, topic, size)
    bulk_comparisons(reviewer, topic, size)
    bulk_topics(reviewer, size, "child", parent=topic)
    topic.related_topics.add(*bulk_topics(reviewer, size, "related"))
    topic.sources.add(*bulk_sources(size))
    return "/api/v1/topics/heroin-rehab/"


def comparison_list(reviewer, size):
    bulk_comparisons(reviewer, make_topic(reviewer, "heroin-rehab"), size, options=3)
    return "/api/v1/comparisons/?limit=100"


def comparison_detail(reviewer, size):
    """One comparison with `size` options, aspects, criteria, FAQs and sources."""
    topic = make_topic(reviewer, "heroin-rehab")
    comparison = make_comparison(reviewer, topic, "big", options=())
    option_topics = bulk_topics(reviewer, size, "option")
    options = ComparisonOption.objects.bulk_create(
        ComparisonOption(
            comparison=comparison, position=n, key=f"o{n}", name=f"O{n}", topic=t
        )
        for n, t in enumerate(option_topics)
    )
    OptionPoint.objects.bulk_create(
        OptionPoint(option=option, kind=kind, text="Point.")
        for option in options
        for kind in ("benefit", "drawback")
    )
    aspects = Aspect.objects.bulk_create(
        Aspect(comparison=comparison, position=n, key=f"a{n}", name=f"A{n}")
        for n in range(size)
    )
    AspectCell.objects.bulk_create(
        AspectCell(aspect=aspect, option=option, text="Cell.")
        for aspect in aspects
        for option in options
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(
            comparison=comparison,
            position=n,
            key=f"c{n}",
            question=f"Q{n}?",
            is_published=True,
        )
        for n in range(size)
    )
    CriterionEffect.objects.bulk_create(
        CriterionEffect(
            criterion=criterion,
            option=option,
            answer="yes",
            effect="favours",
            reason="Reason.",
        )
        for criterion, option in zip(criteria, options, strict=True)
    )
    bulk_faqs(reviewer, topic, size, comparison=comparison)
    comparison.sources.add(*bulk_sources(size))
    return "/api/v1/comparisons/big/"


def faq_list(reviewer, size):
    topic = make_topic(reviewer, "heroin-rehab")
    [comparison] = bulk_comparisons(reviewer, topic, 1)
    bulk_faqs(reviewer, topic, size, comparison=comparison)
    return "/api/v1/faqs/?limit=100"


def faq_detail(reviewer, size):
    topic = make_topic(reviewer, "heroin-rehab")
    [comparison] = bulk_comparisons(reviewer, topic, 1)
    faqs = bulk_faqs(reviewer, topic, size, comparison=comparison)
    return f"/api/v1/faqs/{faqs[-1].pk}/"


def bulk_resources(reviewer, size):
    return Resource.objects.bulk_create(
        Resource(
            **reviewed(
                reviewer,
                slug=f"resource-{n}",
                name=f"Resource {n}",
                kind="helpline",
                description="Help.",
                keywords="heroin, detox",
            )
        )
        for n in range(size)
    )


def resource_list(reviewer, size):
    bulk_resources(reviewer, size)
    return "/api/v1/resources/?limit=100"


def resource_detail(reviewer, size):
    resources = bulk_resources(reviewer, size)
    return f"/api/v1/resources/{resources[-1].slug}/"


def search_hits(reviewer, size):
    """`size` matching topics (with sections), comparisons and FAQs."""
    topics = bulk_topics(reviewer, size, "zephyr")
    Section.objects.bulk_create(
        Section(topic=t, position=n, heading="Zephyr", anchor=f"s{n}", body="B.")
        for t in topics
        for n in range(2)
    )
    bulk_comparisons(reviewer, topics[0], size)
    Comparison.objects.update(title="Zephyr comparison")
    bulk_faqs(reviewer, topics[0], size)
    FAQ.objects.update(question="What is zephyr?")
    return "/api/v1/search/?q=zephyr&limit=100"


def topic_widget(reviewer, size):
    """A topic with `size` FAQs, and `size` national help lines."""
    topic = make_topic(reviewer, "heroin-rehab")
    bulk_faqs(reviewer, topic, size)
    bulk_resources(reviewer, size)
    return "/api/v1/topics/heroin-rehab/widget/"


def comparison_widget(reviewer, size):
    topic = make_topic(reviewer, "heroin-rehab")
    comparison = make_comparison(reviewer, topic, "big")
    bulk_faqs(reviewer, topic, size, comparison=comparison)
    bulk_resources(reviewer, size)
    return "/api/v1/comparisons/big/widget/"


def shown_in_widget(body) -> set[int]:
    return {
        len(body["jsonld"]["mainEntity"]),
        body["html"].count("<details>"),
        body["html"].count("Need help now?"),
    }


def shown_in_topic_detail(body) -> set[int]:
    keys = ["sections", "faqs", "comparisons", "children", "related_topics", "sources"]
    return {len(body[key]) for key in keys}


def shown_in_comparison_detail(body) -> set[int]:
    keys = ["options", "table", "criteria", "faqs", "sources"]
    return {len(body[key]) for key in keys} | {len(body["table"][0]["cells"])}


def shown_in_search(body) -> set[int]:
    # `size` hits of each kind; a page shows up to 100 of them.
    assert len(body["results"]) == min(body["count"], 100)
    return {body["count"] / 3}


def shown_in_list(body) -> set[int]:
    return {len(body["results"])}


# Endpoint: content builder, what the response shows `size` of (if anything),
# and the queries allowed on the first read (which renders the item's
# documents) and on the next (response cache off; a plain list page then
# takes the short way: its page of ids and their entries, the count kept).
ENDPOINTS = {
    "root": (root, None, (5, 5)),
    "topic-list": (topic_list, lambda body: {body["count"] - 1}, (35, 2)),
    "topic-detail": (topic_detail, shown_in_topic_detail, (35, 1)),
    "comparison-list": (comparison_list, shown_in_list, (34, 2)),
    "comparison-detail": (comparison_detail, shown_in_comparison_detail, (34, 1)),
    "faq-list": (faq_list, shown_in_list, (24, 2)),
    "faq-detail": (faq_detail, None, (22, 1)),
    "resource-list": (resource_list, shown_in_list, (20, 2)),
    "resource-detail": (resource_detail, None, (18, 1)),
    # PostgreSQL: the parsed query and the ranked candidates, then the page's
    # rows (topics, their sections, comparisons, FAQs); SQLite needs 9.
    "search": (search_hits, shown_in_search, (11, 11)),
    "topic-widget": (topic_widget, shown_in_widget, (35, 1)),
    "comparison-widget": (comparison_widget, shown_in_widget, (34, 1)),
}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@SIZES
def test_endpoint_queries_do_not_grow_with_items(
    client, reviewer, django_assert_max_num_queries, endpoint, size, settings
):
    settings.RESPONSE_CACHE_ENABLED = False
    build, shown, (first_read, later_read) = ENDPOINTS[endpoint]
    path = build(reviewer, size)

    with django_assert_max_num_queries(first_read):
        first = client.get(path)
    with django_assert_max_num_queries(later_read):
        later = client.get(path)

    assert first.status_code == later.status_code == 200
    assert first.content == later.content
    if shown is not None:
        assert shown(later.json()) == {size}

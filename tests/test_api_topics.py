"""API v1 root and topics: shapes, filters, ordering and pagination."""

import datetime
import re

import pytest

from content.models import Topic
from tests.api_factories import (
    API,
    DAY,
    HOUR,
    ISO_8601_WITH_ZONE,
    make_topic,
    query,
)
from tests.conftest import FROZEN_NOW

TOPIC_URL = "/api/v1/topics/heroin-rehab/"
SEED_TITLES = [
    "Heroin rehab",
    "Inpatient rehab",
    "Medical detox",
    "Medication-assisted treatment",
    "Outpatient rehab",
]
SUBTOPICS = [
    "inpatient-rehab",
    "medical-detox",
    "medication-assisted-treatment",
    "outpatient-rehab",
]
HTML_TAG = re.compile(r"</?[a-z][^>]*>")


@pytest.fixture
def topics_a_day_apart(clock, reviewer):
    """An older topic (FROZEN_NOW) and a newer one (a day later), in that order."""
    older = make_topic(reviewer, "older-topic", title="Older topic")
    clock.shift(DAY)
    newer = make_topic(reviewer, "newer-topic", title="Newer topic")
    return older, newer


@pytest.fixture
def many_topics(reviewer):
    def create(number: int) -> None:
        for index in range(number):
            make_topic(reviewer, f"topic-{index:03}", title=f"Topic {index:03}")

    return create


def titles(response) -> list[str]:
    return [item["title"] for item in response.json()["results"]]


@pytest.mark.parametrize("name", ["changes", "snapshot"])
def test_root_links_to_the_change_feed_and_the_snapshot(client, db, name):
    assert client.get(client.get("/api/v1/").json()[name]).status_code == 200


def test_root_links_to_every_collection_and_the_documentation(client, db):
    response = client.get("/api/v1/")

    assert response.status_code == 200
    assert response.json() == {
        "topics": f"{API}/topics/",
        "comparisons": f"{API}/comparisons/",
        "faqs": f"{API}/faqs/",
        "resources": f"{API}/resources/",
        "search": f"{API}/search/",
        "changes": f"{API}/changes/",
        "snapshot": f"{API}/snapshot/",
        "schema": f"{API}/schema/",
        "docs": f"{API}/docs/",
        "redoc": f"{API}/redoc/",
    }


@pytest.mark.parametrize("name", ["topics", "comparisons", "faqs", "resources"])
def test_root_collection_links_answer(client, db, name):
    link = client.get("/api/v1/").json()[name]

    response = client.get(link)

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_topic_list_item_has_the_list_fields(client, seed_content):
    response = client.get("/api/v1/topics/")

    assert response.status_code == 200
    assert list(response.json()["results"][0]) == [
        "slug",
        "title",
        "summary",
        "parent",
        "url",
        "updated_at",
        "review",
        "reading_grade",
    ]


def test_topic_list_is_ordered_by_title_by_default(client, seed_content):
    response = client.get("/api/v1/topics/")

    assert response.status_code == 200
    assert response.json()["count"] == 5
    assert titles(response) == SEED_TITLES


def test_topic_list_parent_is_a_link_to_the_broader_topic(client, seed_content):
    response = client.get("/api/v1/topics/?parent=heroin-rehab&ordering=title")

    assert response.status_code == 200
    assert response.json()["results"][0]["parent"] == {
        "slug": "heroin-rehab",
        "title": "Heroin rehab",
        "summary": Topic.objects.get(slug="heroin-rehab").summary,
        "url": f"{API}/topics/heroin-rehab/",
    }


def test_topic_list_parent_is_null_for_a_top_level_topic(client, seed_content):
    response = client.get("/api/v1/topics/?ordering=title&limit=1")

    assert response.status_code == 200
    assert response.json()["results"][0]["slug"] == "heroin-rehab"
    assert response.json()["results"][0]["parent"] is None


def test_topic_detail_has_the_detail_fields_in_a_stable_order(client, seed_content):
    response = client.get(TOPIC_URL)

    assert response.status_code == 200
    assert list(response.json()) == [
        "slug",
        "title",
        "summary",
        "body",
        "sections",
        "faqs",
        "comparisons",
        "parent",
        "children",
        "related_topics",
        "sources",
        "review",
        "reading_grade",
        "url",
        "canonical_url",
        "created_at",
        "updated_at",
    ]


def test_topic_detail_body_is_sanitised_html_and_plain_text(client, published_topic):
    response = client.get(TOPIC_URL)

    assert response.status_code == 200
    assert response.json()["body"] == {
        "html": "<p>Heroin rehab is <strong>essential</strong>.</p>",
        "text": "Heroin rehab is essential.",
    }


def test_topic_detail_sections_are_in_position_order(client, seed_content):
    response = client.get(TOPIC_URL)

    assert response.status_code == 200
    assert [section["anchor"] for section in response.json()["sections"]] == [
        "why-it-is-hard-to-beat-alone",
        "first-step",
        "inpatient-or-outpatient",
        "how-long",
        "holistic-rehab",
        "getting-help",
    ]


def test_topic_detail_section_has_anchor_heading_and_rich_body(client, seed_content):
    response = client.get(TOPIC_URL)

    assert response.status_code == 200
    section = response.json()["sections"][0]
    assert list(section) == ["anchor", "heading", "body"]
    assert section["heading"] == "Why heroin addiction is hard to beat alone"
    assert set(section["body"]) == {"html", "text"}
    assert section["body"]["html"].startswith("<p>Heroin addiction is difficult")
    assert not HTML_TAG.search(section["body"]["text"])


def test_topic_detail_lists_its_faqs_in_position_order(client, seed_content):
    response = client.get(TOPIC_URL)

    assert response.status_code == 200
    faqs = response.json()["faqs"]
    assert [faq["id"] for faq in faqs] == [1, 2, 3, 4, 5, 6, 7]
    assert faqs[2] == {
        "id": 3,
        "question": "Can I quit heroin on my own?",
        "answer": faqs[2]["answer"],
        "url": f"{API}/faqs/3/",
    }
    assert set(faqs[2]["answer"]) == {"html", "text"}


def test_topic_detail_summarises_its_comparisons(client, seed_content):
    response = client.get(TOPIC_URL)

    assert response.status_code == 200
    [comparison] = response.json()["comparisons"]
    assert list(comparison) == ["slug", "title", "summary", "url"]
    assert comparison["slug"] == "inpatient-vs-outpatient-heroin-rehab"
    assert comparison["title"] == "Inpatient vs. outpatient heroin rehab"
    assert comparison["url"] == (
        f"{API}/comparisons/inpatient-vs-outpatient-heroin-rehab/"
    )


def test_topic_detail_children_are_its_four_subtopics(client, seed_content):
    response = client.get(TOPIC_URL)

    assert response.status_code == 200
    children = response.json()["children"]
    assert [child["slug"] for child in children] == SUBTOPICS
    assert children[0]["url"] == f"{API}/topics/inpatient-rehab/"


def test_topic_detail_of_a_subtopic_links_parent_and_related_topics(
    client, seed_content
):
    response = client.get("/api/v1/topics/medical-detox/")

    assert response.status_code == 200
    body = response.json()
    assert body["parent"]["slug"] == "heroin-rehab"
    assert body["children"] == []
    assert [topic["slug"] for topic in body["related_topics"]] == [
        "inpatient-rehab",
        "medication-assisted-treatment",
    ]


def test_topic_detail_sources_cite_publisher_link_and_statement(client, seed_content):
    response = client.get(TOPIC_URL)

    assert response.status_code == 200
    sources = response.json()["sources"]
    assert [source["title"] for source in sources] == [
        "Medications to Treat Opioid Use Disorder Research Report",
        "Principles of Drug Addiction Treatment: A Research-Based Guide "
        "(Third Edition)",
    ]
    assert sources[0] == {
        "title": "Medications to Treat Opioid Use Disorder Research Report",
        "publisher": "National Institute on Drug Abuse",
        "link": "https://nida.nih.gov/publications/research-reports/"
        "medications-to-treat-opioid-addiction/overview",
        "statement": "Medication-assisted treatment offers better treatment "
        "outcomes than detox alone.",
    }


def test_topic_detail_review_names_reviewer_and_dates(client, seed_content):
    response = client.get(TOPIC_URL)

    assert response.status_code == 200
    assert response.json()["review"] == {
        "last_reviewed_on": "2026-11-23",
        "reviewed_by": {
            "name": "Rehabinfo Editorial Board",
            "credentials": "Editorial review against NIDA and SAMHSA publications",
        },
        "next_review_due": "2027-05-23",
    }


def test_topic_review_without_reviewer_is_null(client, published_topic):
    Topic.objects.filter(pk=published_topic.pk).update(reviewed_by=None)

    response = client.get(TOPIC_URL)

    assert response.status_code == 200
    assert response.json()["review"]["reviewed_by"] is None
    assert response.json()["review"]["last_reviewed_on"] == "2026-11-01"


def test_topic_timestamps_are_iso_8601_in_utc(client, clock, published_topic):
    response = client.get(TOPIC_URL)

    assert response.status_code == 200
    body = response.json()
    for name in ("created_at", "updated_at"):
        assert ISO_8601_WITH_ZONE.match(body[name]), body[name]
        parsed = datetime.datetime.fromisoformat(body[name])
        assert parsed == FROZEN_NOW


def test_topic_detail_url_is_absolute_and_canonical_url_is_the_reader_page(
    client, published_topic
):
    response = client.get(TOPIC_URL)

    assert response.status_code == 200
    assert response.json()["url"] == f"{API}/topics/heroin-rehab/"
    assert response.json()["canonical_url"] == "http://testserver/topics/heroin-rehab/"


def test_topic_canonical_url_uses_the_configured_origin(
    client, published_topic, settings
):
    settings.API_CANONICAL_ORIGIN = "https://api.rehabinfo.org"

    response = client.get(TOPIC_URL)

    assert response.status_code == 200
    assert response.json()["canonical_url"] == (
        "https://api.rehabinfo.org/topics/heroin-rehab/"
    )
    assert response.json()["url"] == f"{API}/topics/heroin-rehab/"


def test_topic_list_filters_by_parent(client, seed_content):
    response = client.get("/api/v1/topics/?parent=heroin-rehab")

    assert response.status_code == 200
    assert response.json()["count"] == 4
    assert [topic["slug"] for topic in response.json()["results"]] == SUBTOPICS


def test_topic_list_parent_filter_with_unknown_slug_is_empty(client, seed_content):
    response = client.get("/api/v1/topics/?parent=no-such-topic")

    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert response.json()["results"] == []


def test_topic_list_updated_since_excludes_older_topics(client, topics_a_day_apart):
    since = (FROZEN_NOW + HOUR).isoformat()

    response = client.get(f"/api/v1/topics/?{query(updated_since=since)}")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert titles(response) == ["Newer topic"]


def test_topic_list_updated_since_honours_the_offset(client, topics_a_day_apart):
    # 16:00 at UTC+5 is 11:00 UTC, an hour before the newer topic changed.
    since = "2026-11-24T16:00:00+05:00"

    response = client.get(f"/api/v1/topics/?{query(updated_since=since)}")

    assert response.status_code == 200
    assert titles(response) == ["Newer topic"]


def test_topic_list_updated_since_includes_items_changed_at_that_time(
    client, topics_a_day_apart
):
    response = client.get("/api/v1/topics/?updated_since=2026-11-23T12:00:00Z")

    assert response.status_code == 200
    assert titles(response) == ["Newer topic", "Older topic"]


def test_topic_list_orders_by_title_descending(client, seed_content):
    response = client.get("/api/v1/topics/?ordering=-title")

    assert response.status_code == 200
    assert titles(response) == SEED_TITLES[::-1]


def test_topic_list_orders_by_updated_at(client, topics_a_day_apart):
    newest_first = client.get("/api/v1/topics/?ordering=-updated_at")
    oldest_first = client.get("/api/v1/topics/?ordering=updated_at")

    assert newest_first.status_code == oldest_first.status_code == 200
    assert titles(newest_first) == ["Newer topic", "Older topic"]
    assert titles(oldest_first) == ["Older topic", "Newer topic"]


def test_topic_list_orders_by_created_at_then_title(client, clock, reviewer):
    make_topic(reviewer, "b-first", title="B first")
    make_topic(reviewer, "a-first", title="A first")
    clock.shift(DAY)
    make_topic(reviewer, "c-later", title="C later")

    response = client.get("/api/v1/topics/?ordering=-created_at,title")

    assert response.status_code == 200
    assert titles(response) == ["C later", "A first", "B first"]


def test_topic_list_pages_20_by_default(client, many_topics):
    many_topics(25)

    response = client.get("/api/v1/topics/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 25
    assert len(body["results"]) == 20
    assert body["next"] == f"{API}/topics/?limit=20&offset=20"
    assert body["previous"] is None


def test_topic_list_limit_and_offset_select_a_page(client, seed_content):
    response = client.get("/api/v1/topics/?limit=2&offset=2")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert titles(response) == ["Medical detox", "Medication-assisted treatment"]
    assert body["next"] == f"{API}/topics/?limit=2&offset=4"
    assert body["previous"] == f"{API}/topics/?limit=2"


def test_topic_list_last_page_has_no_next_link(client, seed_content):
    response = client.get("/api/v1/topics/?limit=2&offset=4")

    assert response.status_code == 200
    assert titles(response) == ["Outpatient rehab"]
    assert response.json()["next"] is None
    assert response.json()["previous"] == f"{API}/topics/?limit=2&offset=2"


def test_topic_list_page_links_keep_filters_and_ordering(client, seed_content):
    response = client.get("/api/v1/topics/?parent=heroin-rehab&ordering=-title&limit=1")

    assert response.status_code == 200
    assert titles(response) == ["Outpatient rehab"]
    assert response.json()["next"] == (
        f"{API}/topics/?limit=1&offset=1&ordering=-title&parent=heroin-rehab"
    )


def test_topic_list_offset_past_the_end_is_an_empty_page(client, seed_content):
    response = client.get("/api/v1/topics/?offset=50")

    assert response.status_code == 200
    assert response.json()["count"] == 5
    assert response.json()["results"] == []


def test_topic_list_serves_at_most_100_per_page(client, many_topics):
    many_topics(101)

    response = client.get("/api/v1/topics/?limit=100")

    assert response.status_code == 200
    assert response.json()["count"] == 101
    assert len(response.json()["results"]) == 100
    assert response.json()["next"] == f"{API}/topics/?limit=100&offset=100"

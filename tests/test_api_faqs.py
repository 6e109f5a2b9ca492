"""API v1 FAQs: list and detail shapes, filters, ordering and paging."""

import pytest

from tests.api_factories import (
    API,
    DAY,
    HOUR,
    make_faq,
    make_topic,
    query,
)
from tests.conftest import FROZEN_NOW

COMPARISON = "inpatient-vs-outpatient-heroin-rehab"
# Topics by title, then position within the topic.
SEED_FAQ_ORDER = [1, 2, 3, 4, 5, 6, 7, 14, 8, 9, 10, 11, 12, 13, 15]


@pytest.fixture
def faqs_a_day_apart(clock, published_topic, reviewer):
    make_faq(reviewer, published_topic, "Older question?", position=0)
    clock.shift(DAY)
    make_faq(reviewer, published_topic, "Newer question?", position=1)


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def questions(response) -> list[str]:
    return [item["question"] for item in response.json()["results"]]


def test_faq_list_item_has_the_faq_fields(client, seed_content):
    response = client.get("/api/v1/faqs/")

    assert response.status_code == 200
    assert list(response.json()["results"][0]) == [
        "id",
        "question",
        "answer",
        "topic",
        "topic_link",
        "comparison",
        "position",
        "url",
        "updated_at",
        "review",
        "reading_grade",
    ]


def test_faq_detail_has_the_same_fields_as_the_list_item(client, seed_content):
    listed = client.get("/api/v1/faqs/?topic=heroin-rehab&limit=1").json()

    response = client.get("/api/v1/faqs/1/")

    assert response.status_code == 200
    assert response.json() == listed["results"][0]


def test_faq_detail_answer_is_sanitised_html_and_plain_text(client, published_faq):
    response = client.get(f"/api/v1/faqs/{published_faq.pk}/")

    assert response.status_code == 200
    assert response.json()["answer"] == {
        "html": "<p>Usually <strong>30 to 90 days</strong>.</p>",
        "text": "Usually 30 to 90 days.",
    }


def test_faq_detail_names_topic_and_comparison_by_slug(client, seed_content):
    response = client.get("/api/v1/faqs/14/")

    assert response.status_code == 200
    body = response.json()
    assert body["question"] == "Who should choose inpatient rehab?"
    assert (body["topic"], body["comparison"]) == ("inpatient-rehab", COMPARISON)


def test_faq_detail_links_its_topic_beside_the_slug(client, seed_content):
    response = client.get("/api/v1/faqs/14/")

    assert response.status_code == 200
    body = response.json()
    assert body["topic"] == "inpatient-rehab"
    assert body["topic_link"] == {
        "slug": "inpatient-rehab",
        "title": client.get("/api/v1/topics/inpatient-rehab/").json()["title"],
        "summary": client.get("/api/v1/topics/inpatient-rehab/").json()["summary"],
        "url": "http://testserver/api/v1/topics/inpatient-rehab/",
    }


def test_faq_detail_comparison_is_null_when_it_has_none(client, seed_content):
    response = client.get("/api/v1/faqs/3/")

    assert response.status_code == 200
    assert response.json()["topic"] == "heroin-rehab"
    assert response.json()["comparison"] is None


def test_faq_detail_has_absolute_url_review_and_timestamp(client, seed_content):
    response = client.get("/api/v1/faqs/3/")

    assert response.status_code == 200
    body = response.json()
    assert body["url"] == f"{API}/faqs/3/"
    assert body["updated_at"] == "2026-11-23T12:00:00Z"
    assert body["review"] == {
        "last_reviewed_on": "2026-11-23",
        "reviewed_by": {
            "name": "Rehabinfo Editorial Board",
            "credentials": "Editorial review against NIDA and SAMHSA publications",
        },
        "next_review_due": "2027-05-23",
    }


def test_faq_detail_with_an_id_beyond_any_row_is_404(client, seed_content):
    response = client.get("/api/v1/faqs/999999999999999999/")

    assert response.status_code == 404
    assert response.json()["detail"] == "No FAQ matches the given query."


def test_faq_list_is_ordered_by_topic_title_then_position(client, seed_content):
    response = client.get("/api/v1/faqs/")

    assert response.status_code == 200
    assert response.json()["count"] == 15
    assert ids(response) == SEED_FAQ_ORDER


def test_faq_list_filters_by_topic(client, seed_content):
    response = client.get("/api/v1/faqs/?topic=medical-detox")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert questions(response) == [
        "What is detox?",
        "What are the symptoms of heroin withdrawal?",
    ]


def test_faq_list_filters_by_comparison(client, seed_content):
    response = client.get(f"/api/v1/faqs/?comparison={COMPARISON}")

    assert response.status_code == 200
    assert ids(response) == [1, 2, 4, 5, 7, 14, 15]


def test_faq_list_combines_topic_and_comparison_filters(client, seed_content):
    response = client.get(f"/api/v1/faqs/?topic=heroin-rehab&comparison={COMPARISON}")

    assert response.status_code == 200
    assert ids(response) == [1, 2, 4, 5, 7]


def test_faq_list_orders_by_position_descending(client, seed_content):
    response = client.get("/api/v1/faqs/?topic=heroin-rehab&ordering=-position")

    assert response.status_code == 200
    assert ids(response) == [7, 6, 5, 4, 3, 2, 1]


def test_faq_list_orders_by_updated_at(client, faqs_a_day_apart):
    response = client.get("/api/v1/faqs/?ordering=-updated_at")

    assert response.status_code == 200
    assert questions(response) == ["Newer question?", "Older question?"]


def test_faq_list_updated_since_excludes_older_faqs(client, faqs_a_day_apart):
    since = (FROZEN_NOW + HOUR).isoformat()

    response = client.get(f"/api/v1/faqs/?{query(updated_since=since)}")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert questions(response) == ["Newer question?"]


def test_faq_list_pages_with_limit_and_offset(client, seed_content):
    response = client.get("/api/v1/faqs/?limit=5&offset=5")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 15
    assert ids(response) == SEED_FAQ_ORDER[5:10]
    assert body["next"] == f"{API}/faqs/?limit=5&offset=10"
    assert body["previous"] == f"{API}/faqs/?limit=5"


def test_faq_list_default_order_pages_through_every_faq_once(client, reviewer):
    # FAQs left at the default position tie on every default sort key.
    topic = make_topic(reviewer, "heroin-rehab")
    created = [make_faq(reviewer, topic, f"Question {n}?").pk for n in range(40)]

    seen = []
    for offset in range(0, 40, 7):
        seen += ids(client.get(f"/api/v1/faqs/?limit=7&offset={offset}"))

    assert sorted(seen) == sorted(created)

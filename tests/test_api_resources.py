"""API v1 resources: shapes, kind, region and keyword filters, ordering."""

import pytest

from tests.api_factories import API, DAY, HOUR, make_resource, query
from tests.conftest import FROZEN_NOW

SEED_NAMES = [
    "988 Suicide & Crisis Lifeline",
    "FindTreatment.gov",
    "SAMHSA's National Helpline",
]


@pytest.fixture
def state_resources(seed_content, reviewer):
    """A Californian and a Texan resource besides the three national ones."""
    make_resource(
        reviewer, "california-helpline", name="California Helpline", region="CA"
    )
    make_resource(reviewer, "texas-helpline", name="Texas Helpline", region="TX")


@pytest.fixture
def resources_a_day_apart(clock, reviewer):
    make_resource(reviewer, "older", name="Older resource")
    clock.shift(DAY)
    make_resource(reviewer, "newer", name="Newer resource")


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["results"]]


def test_resource_list_item_has_the_resource_fields(client, seed_content):
    response = client.get("/api/v1/resources/")

    assert response.status_code == 200
    assert list(response.json()["results"][0]) == [
        "slug",
        "name",
        "kind",
        "phone",
        "text_number",
        "website",
        "description",
        "availability",
        "region",
        "keywords",
        "url",
        "updated_at",
        "review",
        "reading_grade",
    ]


def test_resource_detail_shows_how_to_reach_it(client, seed_content):
    response = client.get("/api/v1/resources/988-suicide-and-crisis-lifeline/")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "988 Suicide & Crisis Lifeline"
    assert body["kind"] == "crisis_line"
    assert (body["phone"], body["text_number"]) == ("988", "988")
    assert body["website"] == "https://988lifeline.org"
    assert body["availability"] == "24/7"
    assert body["region"] == "US"


def test_resource_detail_keywords_are_a_list(client, seed_content):
    response = client.get("/api/v1/resources/988-suicide-and-crisis-lifeline/")

    assert response.status_code == 200
    assert response.json()["keywords"] == [
        "crisis",
        "suicide",
        "mental health",
        "substance use",
        "call",
        "text",
    ]


def test_resource_detail_description_is_html_and_plain_text(client, published_resource):
    response = client.get("/api/v1/resources/samhsa-national-helpline/")

    assert response.status_code == 200
    assert response.json()["description"] == {
        "html": "<p>Free, confidential, 24/7.</p>",
        "text": "Free, confidential, 24/7.",
    }


def test_resource_detail_has_absolute_url_review_and_timestamp(client, seed_content):
    response = client.get("/api/v1/resources/findtreatment-gov/")

    assert response.status_code == 200
    body = response.json()
    assert body["url"] == f"{API}/resources/findtreatment-gov/"
    assert body["updated_at"] == "2026-11-23T12:00:00Z"
    assert body["review"]["reviewed_by"]["name"] == "Rehabinfo Editorial Board"
    assert body["review"]["next_review_due"] == "2027-05-23"


def test_resource_list_is_ordered_by_name_by_default(client, seed_content):
    response = client.get("/api/v1/resources/")

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert names(response) == SEED_NAMES


def test_resource_list_orders_by_name_descending(client, seed_content):
    response = client.get("/api/v1/resources/?ordering=-name")

    assert response.status_code == 200
    assert names(response) == SEED_NAMES[::-1]


def test_resource_list_orders_by_updated_at(client, resources_a_day_apart):
    response = client.get("/api/v1/resources/?ordering=-updated_at")

    assert response.status_code == 200
    assert names(response) == ["Newer resource", "Older resource"]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("helpline", ["SAMHSA's National Helpline"]),
        ("crisis_line", ["988 Suicide & Crisis Lifeline"]),
        ("treatment_locator", ["FindTreatment.gov"]),
        ("organisation", []),
    ],
)
def test_resource_list_filters_by_kind(client, seed_content, kind, expected):
    response = client.get(f"/api/v1/resources/?kind={kind}")

    assert response.status_code == 200
    assert names(response) == expected


def test_resource_list_for_a_state_adds_national_resources(client, state_resources):
    response = client.get("/api/v1/resources/?region=CA")

    assert response.status_code == 200
    assert response.json()["count"] == 4
    assert names(response) == [
        "988 Suicide & Crisis Lifeline",
        "California Helpline",
        "FindTreatment.gov",
        "SAMHSA's National Helpline",
    ]


def test_resource_list_for_the_nation_is_national_resources_only(
    client, state_resources
):
    response = client.get("/api/v1/resources/?region=US")

    assert response.status_code == 200
    assert names(response) == SEED_NAMES


@pytest.mark.parametrize(
    ("keyword", "expected"),
    [
        # In the comma-separated keywords only.
        ("suicide", ["988 Suicide & Crisis Lifeline"]),
        # In the name only, in another case.
        ("FINDTREATMENT", ["FindTreatment.gov"]),
        # In the description only.
        ("state-licensed facilities", ["FindTreatment.gov"]),
        ("no-such-word", []),
    ],
)
def test_resource_list_filters_by_keyword(client, seed_content, keyword, expected):
    response = client.get(f"/api/v1/resources/?{query(keyword=keyword)}")

    assert response.status_code == 200
    assert names(response) == expected


def test_resource_list_combines_region_kind_and_keyword(client, state_resources):
    response = client.get("/api/v1/resources/?region=TX&kind=helpline&keyword=texas")

    assert response.status_code == 200
    assert names(response) == ["Texas Helpline"]


def test_resource_list_updated_since_excludes_older_resources(
    client, resources_a_day_apart
):
    since = (FROZEN_NOW + HOUR).isoformat()

    response = client.get(f"/api/v1/resources/?{query(updated_since=since)}")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert names(response) == ["Newer resource"]


def test_resource_list_pages_with_limit_and_offset(client, seed_content):
    response = client.get("/api/v1/resources/?limit=1&offset=2")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], names(response)) == (3, ["SAMHSA's National Helpline"])
    assert body["next"] is None
    assert body["previous"] == f"{API}/resources/?limit=1&offset=1"

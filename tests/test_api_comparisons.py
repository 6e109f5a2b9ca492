"""API v1 comparisons: list and detail shapes, filters and ordering."""

import pytest

from content.models import Aspect, AspectCell, Comparison, Topic
from tests.api_factories import (
    API,
    DAY,
    HOUR,
    ISO_8601_WITH_ZONE,
    make_comparison,
    make_topic,
    query,
)
from tests.conftest import FROZEN_NOW

SLUG = "inpatient-vs-outpatient-heroin-rehab"
COMPARISON_URL = f"/api/v1/comparisons/{SLUG}/"


@pytest.fixture
def comparison(client, seed_content):
    response = client.get(COMPARISON_URL)
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def detox_comparison(seed_content):
    """A second comparison, under the medical detox topic."""
    return make_comparison(
        Comparison.objects.get(slug=SLUG).reviewed_by,
        Topic.objects.get(slug="medical-detox"),
        "detox-vs-medication",
        options=("detox", "medication"),
        title="Detox vs. medication",
    )


@pytest.fixture
def comparisons_a_day_apart(clock, published_topic, reviewer):
    make_comparison(reviewer, published_topic, "older", title="Older comparison")
    clock.shift(DAY)
    make_comparison(reviewer, published_topic, "newer", title="Newer comparison")


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


def test_comparison_list_item_has_the_list_fields(client, seed_content):
    response = client.get("/api/v1/comparisons/")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    [item] = response.json()["results"]
    assert list(item) == [
        "slug",
        "title",
        "summary",
        "topic",
        "options",
        "url",
        "updated_at",
        "review",
        "reading_grade",
    ]
    assert item["url"] == f"{API}/comparisons/{SLUG}/"
    assert ISO_8601_WITH_ZONE.match(item["updated_at"])


def test_comparison_list_item_names_its_options_in_order(client, seed_content):
    response = client.get("/api/v1/comparisons/")

    assert response.status_code == 200
    assert response.json()["results"][0]["options"] == [
        {"key": "inpatient", "name": "Inpatient rehab"},
        {"key": "outpatient", "name": "Outpatient rehab"},
    ]


def test_comparison_list_item_links_its_topic(client, seed_content):
    response = client.get("/api/v1/comparisons/")

    assert response.status_code == 200
    topic = response.json()["results"][0]["topic"]
    assert list(topic) == ["slug", "title", "summary", "url"]
    assert topic["slug"] == "heroin-rehab"
    assert topic["url"] == f"{API}/topics/heroin-rehab/"


def test_comparison_detail_has_the_detail_fields_in_a_stable_order(comparison):
    assert list(comparison) == [
        "slug",
        "title",
        "summary",
        "introduction",
        "conclusion",
        "topic",
        "options",
        "table",
        "criteria",
        "faqs",
        "sources",
        "review",
        "reading_grade",
        "url",
        "canonical_url",
        "created_at",
        "updated_at",
    ]


@pytest.mark.parametrize("field", ["introduction", "conclusion"])
def test_comparison_detail_prose_is_html_and_plain_text(comparison, field):
    assert set(comparison[field]) == {"html", "text"}
    assert comparison[field]["html"].startswith("<p>Inpatient and outpatient rehab")
    assert comparison[field]["text"].startswith("Inpatient and outpatient rehab")
    assert "<" not in comparison[field]["text"]


def test_comparison_detail_options_are_in_position_order(comparison):
    assert [option["key"] for option in comparison["options"]] == [
        "inpatient",
        "outpatient",
    ]
    assert list(comparison["options"][0]) == [
        "key",
        "name",
        "summary",
        "topic",
        "benefits",
        "drawbacks",
        "favoured_lead",
        "required_lead",
    ]


def test_comparison_detail_option_links_its_topic(comparison):
    inpatient, outpatient = comparison["options"]

    assert inpatient["topic"]["slug"] == "inpatient-rehab"
    assert inpatient["topic"]["url"] == f"{API}/topics/inpatient-rehab/"
    assert outpatient["topic"]["slug"] == "outpatient-rehab"


def test_comparison_detail_lists_benefits_and_drawbacks_per_option(comparison):
    inpatient, outpatient = comparison["options"]

    assert inpatient["benefits"][0] == (
        "It offers around-the-clock support and supervision."
    )
    assert len(inpatient["benefits"]) == 4
    assert inpatient["drawbacks"] == [
        "You live at the treatment facility for the whole program, away from home "
        "and your daily responsibilities.",
        "It costs more than outpatient treatment.",
    ]
    assert len(outpatient["benefits"]) == 3
    assert outpatient["drawbacks"][0] == (
        "It takes self-discipline: you must be proactive in avoiding triggers and "
        "managing your recovery."
    )


def test_comparison_detail_option_leads_introduce_its_circumstances(comparison):
    inpatient, outpatient = comparison["options"]

    assert inpatient["favoured_lead"] == (
        "Inpatient treatment is essential for people who have:"
    )
    assert inpatient["required_lead"] == ""
    assert outpatient["required_lead"] == (
        "Outpatient rehab can work for some people, as long as they have:"
    )


def test_comparison_detail_table_rows_are_aspects_in_order(comparison):
    assert [(row["key"], row["name"]) for row in comparison["table"]] == [
        ("living-arrangements", "Living arrangements"),
        ("medical-supervision", "Medical supervision"),
        ("intensity-and-structure", "Intensity and structure"),
        ("duration", "Duration"),
        ("cost", "Cost"),
        ("flexibility", "Flexibility"),
        ("support-and-community", "Support and community"),
        ("exposure-to-triggers", "Exposure to triggers"),
    ]


def test_comparison_detail_table_has_one_cell_per_option_in_option_order(comparison):
    for row in comparison["table"]:
        assert [cell["option"] for cell in row["cells"]] == ["inpatient", "outpatient"]
    assert comparison["table"][0]["cells"] == [
        {
            "option": "inpatient",
            "text": "You live at the treatment facility for the whole program.",
        },
        {
            "option": "outpatient",
            "text": "You live at home and attend treatment sessions at scheduled "
            "times.",
        },
    ]


def test_comparison_table_follows_option_order_not_cell_order(
    client, published_comparison
):
    inpatient, outpatient = published_comparison.options.all()
    aspect = Aspect.objects.create(
        comparison=published_comparison, key="cost", name="Cost"
    )
    # Cells created in reverse option order still come out in option order.
    AspectCell.objects.create(aspect=aspect, option=outpatient, text="Cheaper.")
    AspectCell.objects.create(aspect=aspect, option=inpatient, text="Dearer.")

    response = client.get("/api/v1/comparisons/inpatient-vs-outpatient/")

    assert response.status_code == 200
    assert response.json()["table"][0]["cells"] == [
        {"option": "inpatient", "text": "Dearer."},
        {"option": "outpatient", "text": "Cheaper."},
    ]


def test_comparison_table_cell_left_blank_is_empty_text(client, published_comparison):
    inpatient = published_comparison.options.get(key="inpatient")
    aspect = Aspect.objects.create(
        comparison=published_comparison, key="cost", name="Cost"
    )
    AspectCell.objects.create(aspect=aspect, option=inpatient, text="Dearer.")

    response = client.get("/api/v1/comparisons/inpatient-vs-outpatient/")

    assert response.status_code == 200
    assert response.json()["table"][0]["cells"] == [
        {"option": "inpatient", "text": "Dearer."},
        {"option": "outpatient", "text": ""},
    ]


def test_comparison_detail_criteria_are_in_position_order(comparison):
    assert [criterion["key"] for criterion in comparison["criteria"]] == [
        "long-history",
        "severe-addiction",
        "mental-illness",
        "safe-home",
        "support",
        "good-health",
        "transportation",
        "motivation",
        "daily-responsibilities",
        "completed-inpatient",
    ]


def test_comparison_detail_criterion_lists_its_effects(comparison):
    severe = comparison["criteria"][1]

    assert severe == {
        "key": "severe-addiction",
        "question": "Is your addiction severe?",
        "help_text": "If you are not sure, a mental health or addiction "
        "professional can help you judge.",
        "effects": [
            {
                "option": "inpatient",
                "answer": "yes",
                "effect": "favours",
                "reason": "A severe addiction.",
            },
            {
                "option": "outpatient",
                "answer": "no",
                "effect": "favours",
                "reason": "A milder addiction.",
            },
        ],
    }


def test_comparison_detail_criterion_effects_follow_option_order(comparison):
    support = next(c for c in comparison["criteria"] if c["key"] == "support")

    assert [(e["option"], e["answer"], e["effect"]) for e in support["effects"]] == [
        ("inpatient", "no", "favours"),
        ("outpatient", "no", "rules_out"),
        ("outpatient", "yes", "favours"),
    ]


def test_comparison_detail_lists_the_faqs_shown_with_it(comparison):
    faqs = comparison["faqs"]

    assert [faq["id"] for faq in faqs] == [1, 2, 4, 5, 7, 14, 15]
    assert list(faqs[0]) == ["id", "question", "answer", "url"]
    assert faqs[0]["url"] == f"{API}/faqs/1/"
    assert set(faqs[0]["answer"]) == {"html", "text"}


def test_comparison_detail_cites_its_sources(comparison):
    assert comparison["sources"] == [
        {
            "title": "Principles of Drug Addiction Treatment: A Research-Based Guide "
            "(Third Edition)",
            "publisher": "National Institute on Drug Abuse",
            "link": "https://nida.nih.gov/publications/"
            "principles-drug-addiction-treatment-research-based-guide-third-edition",
            "statement": "Generally, for residential or outpatient treatment, "
            "participation for less than 90 days is of limited effectiveness, and "
            "treatment lasting significantly longer is recommended for maintaining "
            "positive outcomes.",
        }
    ]


def test_comparison_detail_has_review_urls_and_timestamps(comparison):
    assert comparison["review"]["reviewed_by"]["name"] == "Rehabinfo Editorial Board"
    assert comparison["review"]["last_reviewed_on"] == "2026-11-23"
    assert comparison["url"] == f"{API}/comparisons/{SLUG}/"
    assert comparison["canonical_url"] == f"http://testserver/comparisons/{SLUG}/"
    assert comparison["created_at"] == "2026-11-23T12:00:00Z"
    assert ISO_8601_WITH_ZONE.match(comparison["updated_at"])


def test_comparison_canonical_url_uses_the_configured_origin(
    client, seed_content, settings
):
    settings.API_CANONICAL_ORIGIN = "https://api.rehabinfo.org"

    response = client.get(COMPARISON_URL)

    assert response.status_code == 200
    assert response.json()["canonical_url"] == (
        f"https://api.rehabinfo.org/comparisons/{SLUG}/"
    )


def test_comparison_list_filters_by_topic(client, detox_comparison):
    response = client.get("/api/v1/comparisons/?topic=medical-detox")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert slugs(response) == ["detox-vs-medication"]


def test_comparison_list_topic_filter_without_comparisons_is_empty(
    client, detox_comparison
):
    response = client.get("/api/v1/comparisons/?topic=outpatient-rehab")

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_comparison_list_is_ordered_by_title_by_default(client, detox_comparison):
    response = client.get("/api/v1/comparisons/")

    assert response.status_code == 200
    assert slugs(response) == ["detox-vs-medication", SLUG]


def test_comparison_list_orders_by_title_descending(client, detox_comparison):
    response = client.get("/api/v1/comparisons/?ordering=-title")

    assert response.status_code == 200
    assert slugs(response) == [SLUG, "detox-vs-medication"]


def test_comparison_list_orders_by_updated_at(client, comparisons_a_day_apart):
    response = client.get("/api/v1/comparisons/?ordering=-updated_at")

    assert response.status_code == 200
    assert slugs(response) == ["newer", "older"]


def test_comparison_list_updated_since_excludes_older_comparisons(
    client, comparisons_a_day_apart
):
    since = (FROZEN_NOW + HOUR).isoformat()

    response = client.get(f"/api/v1/comparisons/?{query(updated_since=since)}")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert slugs(response) == ["newer"]


def test_comparison_list_updated_since_sees_a_changed_table_cell(
    client, clock, published_comparison
):
    inpatient = published_comparison.options.get(key="inpatient")
    aspect = Aspect.objects.create(
        comparison=published_comparison, key="cost", name="Cost"
    )
    clock.shift(DAY)
    AspectCell.objects.create(aspect=aspect, option=inpatient, text="Dearer.")
    since = (FROZEN_NOW + HOUR).isoformat()

    response = client.get(f"/api/v1/comparisons/?{query(updated_since=since)}")

    assert response.status_code == 200
    assert slugs(response) == ["inpatient-vs-outpatient"]


def test_comparison_list_pages_with_limit_and_offset(client, reviewer):
    topic = make_topic(reviewer, "heroin-rehab")
    for letter in "abc":
        make_comparison(reviewer, topic, f"comparison-{letter}")

    response = client.get("/api/v1/comparisons/?limit=1&offset=1")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], slugs(response)) == (3, ["comparison-b"])
    assert body["next"] == f"{API}/comparisons/?limit=1&offset=2"
    assert body["previous"] == f"{API}/comparisons/?limit=1"

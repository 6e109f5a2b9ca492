"""schema.org JSON-LD: FAQPage and MedicalWebPage, checked by expanding them."""

import pytest
from pyld import jsonld

from content.models import FAQ, PublicationStatus

SCHEMA = "http://schema.org/"
TOPIC = "/api/v1/topics/heroin-rehab/"
COMPARISON = "/api/v1/comparisons/inpatient-vs-outpatient-heroin-rehab/"
LD = "application/ld+json"


def offline_schema_org_loader(url, options=None):
    """schema.org's context, reduced to what it does: terms map into its vocabulary.

    Tests never reach the internet; the published context sets the same
    ``@vocab`` (http://schema.org/).
    """
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": {"@context": {"@vocab": SCHEMA}},
    }


def expand(document: dict) -> list[dict]:
    return jsonld.expand(document, {"documentLoader": offline_schema_org_loader})


def values(node: dict, term: str) -> list:
    return node.get(SCHEMA + term, [])


def public_faq_count(slug: str = "heroin-rehab") -> int:
    return FAQ.objects.published().filter(topic__slug=slug).count()


@pytest.fixture
def faq_page(client, seed_content):
    response = client.get(f"{TOPIC}faqpage/")
    assert response.status_code == 200
    assert response["Content-Type"] == LD
    return response.json()


def test_faq_page_expands_to_schema_org_questions_and_answers(faq_page):
    [page] = expand(faq_page)

    assert page["@type"] == [SCHEMA + "FAQPage"]
    questions = values(page, "mainEntity")
    assert len(questions) == public_faq_count()
    first = questions[0]
    assert first["@type"] == [SCHEMA + "Question"]
    assert values(first, "name")[0]["@value"].startswith(
        "What is the primary difference in living arrangements"
    )
    [answer] = values(first, "acceptedAnswer")
    assert answer["@type"] == [SCHEMA + "Answer"]
    assert values(answer, "text")[0]["@value"].startswith("Inpatient heroin rehab")


def test_faq_page_carries_url_language_dates_and_reviewer(faq_page):
    [page] = expand(faq_page)

    assert values(page, "url")[0]["@value"] == (
        "http://testserver/topics/heroin-rehab/#faqs"
    )
    assert values(page, "inLanguage")[0]["@value"] == "en-US"
    assert values(page, "lastReviewed")[0]["@value"] == "2026-11-23"
    assert values(page, "dateModified")
    [reviewer] = values(page, "reviewedBy")
    assert reviewer["@type"] == [SCHEMA + "Organization"]
    assert values(reviewer, "name")[0]["@value"] == "Rehabinfo Editorial Board"


def test_faq_page_answers_are_plain_text(faq_page):
    for question in faq_page["mainEntity"]:
        assert "<" not in question["acceptedAnswer"]["text"]


def test_accept_header_negotiates_json_ld_for_comparison_faqs(client, seed_content):
    negotiated = client.get(COMPARISON, HTTP_ACCEPT=LD)
    explicit = client.get(f"{COMPARISON}faqpage/")

    assert negotiated.status_code == 200
    assert negotiated["Content-Type"] == LD
    assert negotiated.json() == explicit.json()
    assert negotiated.json()["@type"] == "FAQPage"


def test_plain_json_is_still_the_default_representation(client, seed_content):
    response = client.get(TOPIC, HTTP_ACCEPT="*/*")

    assert response["Content-Type"] == "application/json"
    assert response.json()["slug"] == "heroin-rehab"


def test_json_ld_and_json_have_different_etags(client, seed_content):
    json_etag = client.get(TOPIC)["ETag"]
    ld = client.get(TOPIC, HTTP_ACCEPT=LD)

    assert ld["ETag"] != json_etag
    assert "Accept" in ld["Vary"]


def test_medical_web_page_expands_with_citations_and_faqs(client, seed_content):
    negotiated = client.get(TOPIC, HTTP_ACCEPT=LD)
    explicit = client.get(f"{TOPIC}medicalwebpage/")
    assert negotiated.json() == explicit.json()

    [page] = expand(negotiated.json())

    assert page["@type"] == [SCHEMA + "MedicalWebPage"]
    assert values(values(page, "about")[0], "name")[0]["@value"] == "Heroin rehab"
    assert values(page, "lastReviewed")[0]["@value"] == "2026-11-23"
    citations = values(page, "citation")
    assert citations and all(c["@type"] == [SCHEMA + "CreativeWork"] for c in citations)
    publishers = {
        values(values(c, "publisher")[0], "name")[0]["@value"] for c in citations
    }
    assert publishers == {"National Institute on Drug Abuse"}
    assert values(page, "url")[0]["@value"] == "http://testserver/topics/heroin-rehab/"
    [faqs] = values(page, "mainEntity")
    assert faqs["@type"] == [SCHEMA + "FAQPage"]
    assert len(values(faqs, "mainEntity")) == public_faq_count()


def test_json_ld_leaves_out_unpublished_faqs(client, seed_content):
    before = public_faq_count()
    hidden = FAQ.objects.filter(topic__slug="heroin-rehab").first()
    hidden.status = PublicationStatus.DRAFT
    hidden.save()

    names = [q["name"] for q in client.get(f"{TOPIC}faqpage/").json()["mainEntity"]]

    assert hidden.question not in names
    assert len(names) == before - 1


def test_json_ld_of_unknown_topic_is_a_problem_404(client, seed_content):
    response = client.get("/api/v1/topics/nope/faqpage/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_json_ld_is_refused_for_collections(client, seed_content):
    assert client.get("/api/v1/topics/", HTTP_ACCEPT=LD).status_code == 406

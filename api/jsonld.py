"""schema.org JSON-LD for search engines and partner pages.

FAQ pages as ``FAQPage`` and topic pages as ``MedicalWebPage``. Answers are
given as plain text: the sanitised HTML stays in the JSON API, and partners
who paste JSON-LD into their pages never receive markup.
"""

from rest_framework.renderers import JSONRenderer

from content.models import Publishable, Reviewer

SCHEMA_ORG = "https://schema.org"
LANGUAGE = "en-US"
JSONLD_MEDIA_TYPE = "application/ld+json"


def reviewer_node(reviewer: Reviewer | None) -> dict | None:
    if reviewer is None:
        return None
    node = {
        "@type": "Organization" if reviewer.is_organisation else "Person",
        "name": reviewer.name,
    }
    if reviewer.credentials:
        node["description"] = reviewer.credentials
    return node


def review_fields(item: Publishable) -> dict:
    fields = {"dateModified": item.updated_at.isoformat()}
    if item.last_reviewed_on:
        fields["lastReviewed"] = item.last_reviewed_on.isoformat()
    if reviewer := reviewer_node(item.reviewed_by):
        fields["reviewedBy"] = reviewer
    return fields


def question_node(faq) -> dict:
    return {
        "@type": "Question",
        "name": faq.question,
        "acceptedAnswer": {"@type": "Answer", "text": faq.answer_text},
    }


def faq_page(page: Publishable, faqs, *, url: str, name: str) -> dict:
    """``FAQPage`` of a topic's or a comparison's published FAQs."""
    return {
        "@context": SCHEMA_ORG,
        "@type": "FAQPage",
        "name": name,
        "url": url,
        "inLanguage": LANGUAGE,
        **review_fields(page),
        "mainEntity": [question_node(faq) for faq in faqs],
    }


def citation_node(source) -> dict:
    node = {
        "@type": "CreativeWork",
        "name": source.title,
        "publisher": {"@type": "Organization", "name": source.publisher},
    }
    if source.url:
        node["url"] = source.url
    return node


def medical_web_page(topic, faqs, *, url: str, faq_url: str) -> dict:
    """``MedicalWebPage`` of a topic, with its FAQs as the main entity."""
    page = {
        "@context": SCHEMA_ORG,
        "@type": "MedicalWebPage",
        "name": topic.title,
        "description": topic.summary,
        "url": url,
        "inLanguage": LANGUAGE,
        "about": {"@type": "MedicalTherapy", "name": topic.title},
        **review_fields(topic),
        "citation": [citation_node(source) for source in topic.sources.all()],
    }
    faq_node = faq_page(topic, faqs, url=faq_url, name=f"{topic.title}: FAQs")
    del faq_node["@context"]
    page["mainEntity"] = faq_node
    return page


class JSONLDRenderer(JSONRenderer):
    media_type = JSONLD_MEDIA_TYPE
    format = "jsonld"

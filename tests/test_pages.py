"""Reader pages: every published item as plain HTML, hidden items nowhere.

Each page is requested at its literal public path, as readers and search
engines reach it.
"""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.throttling import PartnerRateThrottle
from content.models import (
    FAQ,
    Comparison,
    PublicationStatus,
    Resource,
    Source,
    Topic,
)
from pages.sitemaps import TopicSitemap
from tests.conftest import FROZEN_NOW, REVIEWED_ON, reviewed
from tests.test_outages import database_down

TOPIC = "/topics/heroin-rehab/"
COMPARISON = "/comparisons/inpatient-vs-outpatient-heroin-rehab/"
DECIDE = f"{COMPARISON}decide/"


def page_text(response) -> str:
    return response.content.decode()


def jsonld_of(response) -> dict:
    found = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', page_text(response), re.S
    )
    return json.loads(found.group(1))


def hide(item) -> None:
    item.status = PublicationStatus.DRAFT
    item.save()


@pytest.fixture
def comparison_faq(published_comparison, reviewer):
    return FAQ.objects.create(
        topic=published_comparison.topic,
        comparison=published_comparison,
        question="Can I keep working during outpatient rehab?",
        answer="Often, **yes**.",
        status=PublicationStatus.PUBLISHED,
        reviewed_by=reviewer,
        last_reviewed_on=REVIEWED_ON,
    )


# Topic pages


def test_topic_page_shows_the_published_topic_with_review_line(
    client, published_topic, published_faq
):
    response = client.get(TOPIC)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = page_text(response)
    assert "<h1>Heroin rehab</h1>" in html
    assert "<strong>essential</strong>" in html
    assert "Medically reviewed by Dana Reyes, MD, FASAM on 1 November 2026." in html
    assert "How long does rehab last?" in html


def test_topic_page_has_language_skip_link_landmarks_and_canonical(
    client, published_topic
):
    html = page_text(client.get(TOPIC))

    assert '<html lang="en">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html
    canonical = '<link rel="canonical" href="http://testserver/topics/heroin-rehab/">'
    assert canonical in html
    assert "reader.css" in html


def test_topic_page_lists_citations_and_national_help_lines(
    client, published_topic, published_resource
):
    source = Source.objects.create(
        title="Principles of Drug Addiction Treatment",
        publisher="NIDA",
        url="https://nida.nih.gov/principles",
    )
    published_topic.sources.add(source)

    html = page_text(client.get(TOPIC))

    assert 'href="https://nida.nih.gov/principles"' in html
    assert "Principles of Drug Addiction Treatment</a>, NIDA" in html
    assert "SAMHSA&#x27;s National Helpline" in html
    assert 'href="tel:1-800-662-4357"' in html


def test_topic_page_leaves_out_an_unpublished_help_line(client, published_topic):
    Resource.objects.create(
        slug="draft-line", name="Draft line", kind="helpline", phone="1-800-000-0000"
    )

    assert "Draft line" not in page_text(client.get(TOPIC))


def test_national_help_lines_are_published_national_lines_only(
    published_resource, reviewer
):
    Resource.objects.create(slug="draft-line", name="Draft line", kind="helpline")
    Resource.objects.create(
        **reviewed(reviewer, slug="ca-line", name="CA line", kind="helpline"),
        region="CA",
    )
    Resource.objects.create(
        **reviewed(reviewer, slug="locator", name="Locator", kind="treatment_locator")
    )

    assert list(Resource.objects.national_help_lines()) == [published_resource]


def test_topic_page_carries_its_json_ld_with_the_reader_url(
    client, published_topic, published_faq
):
    data = jsonld_of(client.get(TOPIC))

    assert data["@type"] == "MedicalWebPage"
    assert data["url"] == "http://testserver/topics/heroin-rehab/"
    assert data["lastReviewed"] == "2026-11-01"
    assert data["mainEntity"]["mainEntity"][0]["name"] == "How long does rehab last?"


def test_topic_page_json_ld_cannot_close_its_script_element(client, published_topic):
    published_topic.summary = "Ends here </script><script>alert(1)</script>"
    published_topic.save()

    response = client.get(TOPIC)

    assert "</script><script>alert(1)" not in page_text(response)
    assert jsonld_of(response)["description"] == published_topic.summary


def test_topic_page_of_a_draft_is_an_html_404(client, draft_topic):
    response = client.get("/topics/draft-topic/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Page not found" in page_text(response)
    assert "Draft topic" not in page_text(response)


def test_unknown_topic_page_is_an_html_404(client, db):
    response = client.get("/topics/no-such-topic/")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in page_text(response)


def test_topic_page_appears_when_its_schedule_starts(client, clock, draft_topic):
    draft_topic.status = PublicationStatus.PUBLISHED
    draft_topic.publish_at = FROZEN_NOW + datetime.timedelta(hours=1)
    draft_topic.save()

    before = client.get("/topics/draft-topic/")
    clock.shift(datetime.timedelta(hours=2))
    after = client.get("/topics/draft-topic/")

    assert before.status_code == 404
    assert after.status_code == 200


def test_topic_page_of_an_expired_topic_is_a_404(client, clock, published_topic):
    published_topic.unpublish_at = FROZEN_NOW + datetime.timedelta(hours=1)
    published_topic.save()
    clock.shift(datetime.timedelta(hours=2))

    assert client.get(TOPIC).status_code == 404


def test_topic_page_leaves_out_unpublished_faqs_and_comparisons(
    client, published_topic, draft_comparison
):
    FAQ.objects.create(
        topic=published_topic, question="Draft question?", answer="Draft answer."
    )
    Comparison.objects.create(
        slug="hidden-comparison",
        title="Hidden comparison",
        topic=published_topic,
        summary="Not yet.",
    )

    html = page_text(client.get(TOPIC))

    assert "Draft question?" not in html
    assert "Hidden comparison" not in html


def test_child_topic_page_does_not_link_its_hidden_parent(
    client, published_topic, draft_topic
):
    published_topic.parent = draft_topic
    published_topic.save()

    response = client.get(TOPIC)

    assert response.status_code == 200
    assert "/topics/draft-topic/" not in page_text(response)
    assert "Draft topic" not in page_text(response)


def test_child_topic_page_links_its_published_parent(client, published_topic, reviewer):
    parent = Topic.objects.create(
        slug="rehab", title="Rehab", summary="All of it.", status="published"
    )
    published_topic.parent = parent
    published_topic.save()

    assert 'href="/topics/rehab/">Rehab</a>' in page_text(client.get(TOPIC))


# Query limits are the counts measured with the seed content and a cold cache:
# five of them compute the content version (api.caching), which is then cached.


def test_topic_page_query_count_is_bounded(
    client, seed_content, django_assert_max_num_queries
):
    with django_assert_max_num_queries(11):
        response = client.get(TOPIC)

    assert response.status_code == 200


# Comparison pages


def test_comparison_page_shows_table_options_and_decision_link(client, seed_content):
    response = client.get(COMPARISON)

    assert response.status_code == 200
    html = page_text(response)
    assert '<th scope="row">Medical supervision</th>' in html
    assert "24/7 medical supervision" in html
    assert f'href="{DECIDE}"' in html
    assert "Medically reviewed by" in html
    assert jsonld_of(response)["@type"] == "FAQPage"
    assert jsonld_of(response)["url"] == f"http://testserver{COMPARISON}#faqs"


def test_comparison_page_of_a_draft_is_a_404(client, draft_comparison):
    response = client.get("/comparisons/detox-at-home-or-in-clinic/")

    assert response.status_code == 404
    assert "Detox at home" not in page_text(response)


def test_comparison_page_of_a_hidden_topic_is_a_404(client, published_comparison):
    hide(published_comparison.topic)

    assert client.get("/comparisons/inpatient-vs-outpatient/").status_code == 404


def test_comparison_page_leaves_out_switched_off_criteria(client, seed_content):
    comparison = Comparison.objects.get(slug="inpatient-vs-outpatient-heroin-rehab")
    criterion = comparison.criteria.get(key="safe-home")
    criterion.is_published = False
    criterion.save()

    assert criterion.question not in page_text(client.get(COMPARISON))
    assert criterion.question not in page_text(client.get(DECIDE))


def test_comparison_page_query_count_is_bounded(
    client, seed_content, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):
        response = client.get(COMPARISON)

    assert response.status_code == 200


# FAQ pages


def test_faq_page_shows_the_answer_review_line_and_topic(client, published_faq):
    response = client.get(f"/faqs/{published_faq.pk}/")

    assert response.status_code == 200
    html = page_text(response)
    assert "<h1>How long does rehab last?</h1>" in html
    assert "<strong>30 to 90 days</strong>" in html
    assert "Medically reviewed by Dana Reyes, MD, FASAM on 1 November 2026." in html
    assert 'href="/topics/heroin-rehab/">Heroin rehab</a>' in html
    assert jsonld_of(response)["mainEntity"][0]["name"] == published_faq.question


def test_faq_page_of_a_draft_is_a_404(client, published_faq):
    hide(published_faq)

    assert client.get(f"/faqs/{published_faq.pk}/").status_code == 404


def test_faq_page_of_a_hidden_topic_is_a_404(client, published_faq):
    hide(published_faq.topic)

    assert client.get(f"/faqs/{published_faq.pk}/").status_code == 404


def test_faq_page_of_a_hidden_comparison_is_a_404(client, comparison_faq):
    before = client.get(f"/faqs/{comparison_faq.pk}/")
    hide(comparison_faq.comparison)
    after = client.get(f"/faqs/{comparison_faq.pk}/")

    assert before.status_code == 200
    assert after.status_code == 404


def test_faq_page_query_count_is_bounded(
    client, published_faq, django_assert_max_num_queries
):
    with django_assert_max_num_queries(7):
        response = client.get(f"/faqs/{published_faq.pk}/")

    assert response.status_code == 200


# Home page


def test_home_page_lists_published_topics_only(client, published_topic, draft_topic):
    response = client.get("/")

    assert response.status_code == 200
    html = page_text(response)
    assert 'href="/topics/heroin-rehab/">Heroin rehab</a>' in html
    assert "Draft topic" not in html


def test_home_page_query_count_is_bounded(
    client, seed_content, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = client.get("/")

    assert response.status_code == 200


# HTTP behaviour shared by every page


def test_reader_page_has_etag_and_answers_304_when_unchanged(client, published_topic):
    first = client.get(TOPIC)
    again = client.get(TOPIC, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["Cache-Control"].startswith("public, max-age=")
    assert again.status_code == 304


def test_reader_page_etag_changes_when_the_topic_is_edited(client, published_topic):
    first = client.get(TOPIC)
    published_topic.summary = "A new summary."
    published_topic.save()

    again = client.get(TOPIC, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert "A new summary." in page_text(again)


def test_reader_pages_have_the_anonymous_rate_limit(
    client, published_topic, monkeypatch
):
    monkeypatch.setattr(PartnerRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})

    statuses = [client.get(TOPIC).status_code for _ in range(3)]
    refused = client.get(TOPIC)

    assert statuses == [200, 200, 429]
    assert refused["Retry-After"]
    assert refused["Cache-Control"] == "no-store"


def test_reader_page_database_outage_is_a_503(client, published_topic):
    with database_down():
        response = client.get(TOPIC)

    assert response.status_code == 503
    assert response["Retry-After"]


def test_reader_page_refuses_post(client, published_topic):
    assert client.post(TOPIC).status_code == 405


def test_reader_page_sends_no_inline_script_or_style(client, seed_content):
    for path in ["/", TOPIC, COMPARISON, DECIDE]:
        html = page_text(client.get(path))

        assert re.findall(r"<script(?![^>]*application/ld\+json)", html) == [], path
        assert "<style" not in html, path


# The decision helper


def test_decision_page_asks_the_published_questions(client, seed_content):
    response = client.get(DECIDE)

    assert response.status_code == 200
    html = page_text(response)
    assert "<legend>Do you have a safe, stable place to live?</legend>" in html
    assert 'name="safe-home" value="unsure"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert response["Cache-Control"] == "no-store"


def test_decision_form_shows_verdicts_with_editors_reasons(seed_content):
    browser = Client(enforce_csrf_checks=True)
    form = browser.get(DECIDE)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_text(form))

    response = browser.post(
        DECIDE, {"csrfmiddlewaretoken": token.group(1), "safe-home": "no"}
    )

    assert response.status_code == 200
    html = page_text(response)
    assert "Based on your answers, Inpatient rehab is suggested" in html
    assert "An unsafe or unstable place to live." in html
    assert "A safe and stable living situation." in html
    assert "not a diagnosis" in html
    assert 'name="safe-home" value="no" checked' in html
    assert response["Cache-Control"] == "no-store"


def test_decision_form_without_csrf_token_is_refused(seed_content):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(DECIDE, {"safe-home": "no"})

    assert response.status_code == 403


def test_decision_form_bad_answer_is_a_400_naming_the_question(client, seed_content):
    response = client.post(DECIDE, {"safe-home": "maybe"})

    assert response.status_code == 400
    assert 'href="#question-safe-home"' in page_text(response)


def test_decision_form_answers_are_never_stored_or_logged(client, seed_content, caplog):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(DECIDE, {"safe-home": "no", "motivation": "yes"})

    assert response.status_code == 200
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "safe-home" not in logged and "motivation" not in logged


def test_decision_page_of_a_hidden_comparison_is_a_404(client, seed_content):
    hide(Comparison.objects.get(slug="inpatient-vs-outpatient-heroin-rehab"))

    assert client.get(DECIDE).status_code == 404
    assert client.post(DECIDE, {"safe-home": "no"}).status_code == 404


# Sitemap and robots.txt


def test_sitemap_lists_published_pages_with_lastmod(
    client, published_topic, published_faq, draft_topic
):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    xml = page_text(response)
    assert "<loc>http://testserver/topics/heroin-rehab/</loc>" in xml
    assert f"<loc>http://testserver/faqs/{published_faq.pk}/</loc>" in xml
    assert f"<lastmod>{published_topic.updated_at.date().isoformat()}</lastmod>" in xml
    assert "draft-topic" not in xml


def test_sitemap_leaves_out_faqs_of_hidden_comparisons(client, comparison_faq):
    hide(comparison_faq.comparison)

    xml = page_text(client.get("/sitemap.xml"))

    assert f"/faqs/{comparison_faq.pk}/" not in xml
    assert "/comparisons/inpatient-vs-outpatient/" not in xml


def test_sitemap_items_are_the_published_queryset(published_topic, draft_topic):
    assert list(TopicSitemap().items()) == [published_topic]


def test_robots_txt_points_to_the_sitemap_and_keeps_out_the_admin(client, settings, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = page_text(response).splitlines()
    assert f"Disallow: /{settings.ADMIN_PATH}" in lines
    assert "Disallow: /api/v1/docs/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


# Markdown twins and llms.txt


def test_topic_markdown_twin_has_the_text_review_date_and_sources(client, seed_content):
    response = client.get("/topics/heroin-rehab.md")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = page_text(response)
    assert text.startswith("# Heroin rehab\n")
    assert "## Why heroin addiction is hard to beat alone" in text
    assert "**Brain changes.**" in text
    assert "## Sources" in text
    assert "National Institute on Drug Abuse" in text
    assert "on 23 November 2026 (2026-11-23)." in text
    assert "Source: http://testserver/topics/heroin-rehab/" in text
    assert "<" not in text.split("## Sources")[0].replace("<=", "")


def test_comparison_markdown_twin_has_its_table(client, seed_content):
    response = client.get("/comparisons/inpatient-vs-outpatient-heroin-rehab.md")

    assert response.status_code == 200
    text = page_text(response)
    assert "| | Inpatient rehab | Outpatient rehab | " in text
    assert "| Medical supervision | 24/7 medical supervision" in text


def test_faq_markdown_twin_has_the_answer_and_review_date(client, published_faq):
    response = client.get(f"/faqs/{published_faq.pk}.md")

    assert response.status_code == 200
    text = page_text(response)
    assert text.startswith("# How long does rehab last?\n\nUsually **30 to 90 days**.")
    assert "Dana Reyes, MD, FASAM on 1 November 2026 (2026-11-01)." in text


def test_markdown_twins_of_hidden_items_are_404s(
    client, draft_topic, draft_comparison, comparison_faq
):
    hide(comparison_faq.comparison)

    assert client.get("/topics/draft-topic.md").status_code == 404
    assert client.get("/comparisons/detox-at-home-or-in-clinic.md").status_code == 404
    assert client.get(f"/faqs/{comparison_faq.pk}.md").status_code == 404


def test_llms_txt_links_the_published_markdown_twins(
    client, published_topic, published_faq, draft_topic
):
    response = client.get("/llms.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = page_text(response)
    assert text.startswith("# Rehabinfo\n\n> ")
    assert (
        "- [Heroin rehab](http://testserver/topics/heroin-rehab.md): "
        "How heroin rehab works." in text
    )
    assert f"(http://testserver/faqs/{published_faq.pk}.md)" in text
    assert "draft-topic" not in text


def test_llms_txt_links_resolve_to_markdown(client, seed_content):
    text = page_text(client.get("/llms.txt"))
    links = re.findall(r"\]\(http://testserver(/[^)]+\.md)\)", text)

    assert len(links) > 5
    assert {client.get(link).status_code for link in links} == {200}


# oEmbed


def oembed(client, url: str, **params):
    return client.get("/oembed", {"url": url, **params})


def test_oembed_answers_the_faq_widget_of_a_topic_page(client, published_topic):
    response = oembed(client, f"http://testserver{TOPIC}", format="json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["version"] == "1.0"
    assert body["type"] == "rich"
    assert (body["width"], body["height"]) == (600, 640)
    assert body["title"] == "Heroin rehab"
    assert body["provider_name"] == "Rehabinfo"
    assert 'src="http://testserver/embed/v1/topics/heroin-rehab/faqs/"' in body["html"]
    assert 'width="600" height="640"' in body["html"]


def test_oembed_of_a_comparison_page_embeds_its_faq_widget(client, seed_content):
    body = oembed(client, f"http://testserver{COMPARISON}").json()

    assert (
        "/embed/v1/comparisons/inpatient-vs-outpatient-heroin-rehab/faqs/"
        in (body["html"])
    )


def test_oembed_honours_maxwidth_and_maxheight(client, published_topic):
    body = oembed(
        client, f"http://testserver{TOPIC}", maxwidth="320", maxheight="480"
    ).json()

    assert (body["width"], body["height"]) == (320, 480)
    assert 'width="320" height="480"' in body["html"]


def test_oembed_never_exceeds_its_own_size_for_a_larger_maximum(
    client, published_topic
):
    body = oembed(client, f"http://testserver{TOPIC}", maxwidth="2000").json()

    assert body["width"] == 600


def test_oembed_of_a_hidden_or_unknown_page_is_a_404(
    client, draft_topic, published_faq
):
    for url in [
        "http://testserver/topics/draft-topic/",
        "http://testserver/topics/no-such-topic/",
        f"http://testserver/faqs/{published_faq.pk}/",
        "http://elsewhere.example/topics/heroin-rehab/",
        "not a url",
    ]:
        assert oembed(client, url).status_code == 404, url


def test_oembed_of_an_unsupported_format_is_a_501(client, published_topic):
    response = oembed(client, f"http://testserver{TOPIC}", format="xml")

    assert response.status_code == 501


def test_reader_pages_announce_their_oembed_endpoint(client, seed_content):
    html = page_text(client.get(TOPIC))
    found = re.search(
        r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html
    )

    assert found
    discovered = client.get(found.group(1).replace("&amp;", "&"))
    assert discovered.status_code == 200
    assert discovered.json()["type"] == "rich"


def test_topic_page_leaves_out_faqs_and_comparisons_hidden_elsewhere(
    client, reviewer, published_topic
):
    from content.models import FAQ, Comparison
    from tests.conftest import reviewed

    draft = Comparison.objects.create(
        slug="draft-comparison",
        title="Draft comparison title",
        topic=published_topic,
        summary=".",
    )
    FAQ.objects.create(
        **reviewed(
            reviewer,
            topic=published_topic,
            comparison=draft,
            question="Hidden with its comparison?",
            answer=".",
        )
    )

    page = client.get("/topics/heroin-rehab/").content.decode()

    assert "Hidden with its comparison?" not in page
    assert "Draft comparison title" not in page


def test_every_canonical_link_uses_the_configured_origin(
    client, settings, published_topic
):
    settings.API_CANONICAL_ORIGIN = "https://rehabinfo.example"

    for path in ["/", "/topics/heroin-rehab/"]:
        page = client.get(path).content.decode()
        assert f'<link rel="canonical" href="https://rehabinfo.example{path}">' in page

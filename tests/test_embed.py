"""The iframe and script widgets: content, options, framing rules, safety."""

import re

import pytest

from api.throttling import PartnerRateThrottle
from content.models import FAQ, PublicationStatus, Topic
from embed.views import height_script
from partners.models import PartnerUsage
from tests.test_rendering import MarkupCollector

WIDGET = "/embed/v1/topics/heroin-rehab/faqs/"
COMPARISON_WIDGET = "/embed/v1/comparisons/inpatient-vs-outpatient-heroin-rehab/faqs/"
PARTNER_SITE = "https://clinic.example"


@pytest.fixture
def partner_key(partner):
    _, key = partner.issue_key("website")
    return key


def frame_ancestors(response) -> str:
    csp = response["Content-Security-Policy"]
    return re.search(r"frame-ancestors ([^;]+)", csp).group(1)


def test_widget_lists_published_faqs_as_details(client, seed_content):
    response = client.get(WIDGET)

    assert response.status_code == 200
    html = response.content.decode()
    published = FAQ.objects.published().filter(topic__slug="heroin-rehab")
    assert html.count("<details>") == published.count()
    assert f"<summary>{published.first().question}</summary>" in html
    assert 'lang="en"' in html and 'name="viewport"' in html


def test_widget_shows_review_date_help_line_and_credit(client, seed_content):
    html = client.get(WIDGET).content.decode()

    assert "Last reviewed 23 November 2026" in html
    assert 'href="tel:1-800-662-4357"' in html
    assert "Medically reviewed information from Rehabinfo" in html


def test_widget_credit_links_to_the_reader_page(client, seed_content):
    html = client.get(WIDGET).content.decode()

    assert 'href="http://testserver/topics/heroin-rehab/"' in html


def test_widget_credit_links_to_configured_site(client, seed_content, settings):
    settings.PUBLIC_SITE_URL = "https://rehabinfo.example/heroin"

    html = client.get(WIDGET).content.decode()

    assert 'href="https://rehabinfo.example/heroin"' in html


def test_widget_loads_no_external_assets_and_only_its_height_script(
    client, seed_content
):
    html = client.get(WIDGET).content.decode()

    assert html.count("<script") == 1
    assert "<script>/* Rehabinfo iframe widget: tells the page" in html
    assert "<link" not in html
    assert not re.search(r'src="', html)


def test_comparison_widget_lists_the_comparison_faqs(client, seed_content):
    response = client.get(COMPARISON_WIDGET)

    assert response.status_code == 200
    expected = FAQ.objects.published().filter(
        comparison__slug="inpatient-vs-outpatient-heroin-rehab"
    )
    assert response.content.decode().count("<details>") == expected.count()


@pytest.mark.parametrize(
    ("query", "css_class"),
    [("", "rehabinfo light"), ("?theme=dark", "rehabinfo dark"),
     ("?theme=auto&compact=1", "rehabinfo auto compact")],
)  # fmt: skip
def test_widget_theme_and_compact_mode_from_query(
    client, seed_content, query, css_class
):
    html = client.get(WIDGET + query).content.decode()

    assert f'class="{css_class}"' in html


@pytest.mark.parametrize("query", ["?theme=pink", "?compact=yes", "?colour=red"])
def test_widget_bad_option_is_a_400_page_saying_what_is_wrong(
    client, seed_content, query
):
    response = client.get(WIDGET + query)

    assert response.status_code == 400
    assert "For the site owner: " in response.content.decode()


def test_keyless_widget_may_be_framed_by_any_site(client, seed_content):
    response = client.get(WIDGET)

    assert frame_ancestors(response) == "*"
    assert "X-Frame-Options" not in response


def test_keyed_widget_may_be_framed_only_by_the_partner(
    client, seed_content, partner_key
):
    response = client.get(
        f"{WIDGET}?key={partner_key}", HTTP_REFERER=f"{PARTNER_SITE}/help"
    )

    assert response.status_code == 200
    assert frame_ancestors(response) == f"{PARTNER_SITE} http://localhost:8000"


def test_keyed_widget_from_another_site_is_refused_with_its_reason_in_the_frame(
    client, seed_content, partner_key
):
    response = client.get(
        f"{WIDGET}?key={partner_key}", HTTP_REFERER="https://elsewhere.example/page"
    )

    assert response.status_code == 403
    # Framed where the widget was meant to be, so the partner sees why.
    assert frame_ancestors(response) == "*"
    html = response.content.decode()
    assert "<details>" not in html
    assert "may not be used from https://elsewhere.example" in html
    assert 'href="http://testserver/topics/heroin-rehab/"' in html


def test_revoked_key_widget_is_a_401_page_saying_the_key_was_revoked(
    client, seed_content, partner, partner_key
):
    partner.revoke_keys()

    response = client.get(f"{WIDGET}?key={partner_key}")

    assert response.status_code == 401
    assert "This API key has been revoked" in response.content.decode()
    assert "X-Frame-Options" not in response


def test_keyed_widget_counts_usage(client, seed_content, partner, partner_key):
    client.get(f"{WIDGET}?key={partner_key}", HTTP_REFERER=f"{PARTNER_SITE}/")
    client.get(f"{WIDGET}?key={partner_key}", HTTP_REFERER=f"{PARTNER_SITE}/")

    usage = PartnerUsage.objects.get(partner=partner, family="embed")
    assert usage.count == 2


def test_rest_of_the_site_refuses_to_be_framed(client, seed_content):
    assert client.get("/api/v1/topics/")["X-Frame-Options"] == "DENY"
    assert client.get("/admin/login/")["X-Frame-Options"] == "DENY"


def test_widget_style_is_allowed_by_hash_not_unsafe_inline(client, seed_content):
    csp = client.get(WIDGET)["Content-Security-Policy"]

    assert "default-src 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert re.search(r"style-src 'sha256-[A-Za-z0-9+/=]+'", csp)


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        '<a href="javascript:alert(1)" onclick="x()">y</a>',
    ],
)
def test_widget_never_contains_unsanitised_editor_html(client, seed_content, markdown):
    faq = FAQ.objects.filter(topic__slug="heroin-rehab").first()
    faq.question = "<b onmouseover=alert(1)>Q</b>"
    faq.answer = markdown
    faq.save()

    page = client.get(WIDGET).content.decode()
    widget = client.get("/api/v1/topics/heroin-rehab/widget/").json()["html"]

    collector = MarkupCollector()
    # The page's one script is its own height script, allowed by hash.
    collector.feed(page.replace(f"<script>{height_script()}</script>", ""))
    collector.feed(widget)
    assert not collector.tags & {"script", "img", "iframe", "b"}
    for name, value in collector.attributes:
        assert not name.startswith("on"), name
        assert not value.lower().lstrip().startswith("javascript:"), value


def test_unpublished_topic_widget_is_a_404(client, seed_content):
    Topic.objects.filter(slug="heroin-rehab").update(status=PublicationStatus.DRAFT)

    assert client.get(WIDGET).status_code == 404


def test_unknown_topic_widget_is_a_404(client, seed_content):
    assert client.get("/embed/v1/topics/nope/faqs/").status_code == 404


def test_script_is_served_with_the_stylesheet_inlined(client, db):
    response = client.get("/embed/v1/faqs.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert "/*CSS*/" not in body
    assert ":host{all:initial" in body
    assert response["ETag"]


def test_widget_accepts_only_safe_methods(client, seed_content):
    assert client.post(WIDGET).status_code == 405


def test_keyless_widget_cache_hit_keeps_the_widget_policy(client, seed_content):
    first = client.get(WIDGET)

    hit = client.get(WIDGET)

    # Replayed from the entry: the site-wide policy would forbid framing.
    assert hit["X-Cache"] == "hit"
    assert hit["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert frame_ancestors(hit) == "*"


def test_keyed_widget_is_never_served_from_the_cache(client, seed_content, partner_key):
    client.get(WIDGET)
    client.get(WIDGET)

    for _ in range(2):
        response = client.get(
            f"{WIDGET}?key={partner_key}", HTTP_REFERER=f"{PARTNER_SITE}/help"
        )
        assert response.status_code == 200
        assert "X-Cache" not in response
        assert frame_ancestors(response) == f"{PARTNER_SITE} http://localhost:8000"


def test_widget_answers_304_to_its_etag(client, seed_content):
    etag = client.get(WIDGET)["ETag"]

    response = client.get(WIDGET, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304


def test_keyless_widget_is_throttled_by_address(client, seed_content, monkeypatch):
    monkeypatch.setattr(PartnerRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})

    statuses = [client.get(WIDGET).status_code for _ in range(4)]
    refused = client.get(COMPARISON_WIDGET)
    elsewhere = client.get(WIDGET, REMOTE_ADDR="192.0.2.7")

    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("text/html")
    assert int(refused["Retry-After"]) > 0
    assert elsewhere.status_code == 200


def test_keyed_widget_is_throttled_per_partner_tier(
    client, seed_content, partner, partner_key, settings
):
    settings.PARTNER_RATE_TIERS = {
        **settings.PARTNER_RATE_TIERS,
        "standard": "2/minute",
    }
    url = f"{WIDGET}?key={partner_key}"

    statuses = [
        client.get(url, HTTP_REFERER=f"{PARTNER_SITE}/", REMOTE_ADDR=f"192.0.2.{n}")
        for n in range(3)
    ]

    assert [response.status_code for response in statuses] == [200, 200, 429]
    assert int(statuses[-1]["Retry-After"]) > 0
    # The refusal may be framed by any site, where it shows.
    assert frame_ancestors(statuses[-1]) == "*"
    assert PartnerUsage.objects.get(partner=partner, family="embed").count == 3


# The script widget's one request: the API's widget endpoint.
WIDGET_API = "/api/v1/topics/heroin-rehab/widget/"


def main_of(page_html: str) -> str:
    """What the iframe page shows: the inside of its <main>."""
    return re.search(r"<main[^>]*>\n(.*)\n</main>", page_html, re.S).group(1)


def test_widget_endpoint_says_what_the_iframe_says(client, seed_content):
    iframe = client.get(WIDGET).content.decode()

    response = client.get(WIDGET_API)

    assert response.status_code == 200
    assert response.json()["html"] == main_of(iframe).strip()


def test_widget_endpoint_has_review_date_help_lines_with_hours_and_jsonld(
    client, seed_content
):
    widget = client.get(WIDGET_API).json()

    assert "Last reviewed 23 November 2026" in widget["html"]
    assert 'href="tel:988">988</a> (24/7)' in widget["html"]
    assert 'href="tel:1-800-662-4357">1-800-662-4357</a> (24/7, 365' in widget["html"]
    assert widget["jsonld"]["@type"] == "FAQPage"
    assert widget["reader_url"] == "http://testserver/topics/heroin-rehab/"


def test_comparison_widget_endpoint_says_what_its_iframe_says(client, seed_content):
    iframe = client.get(COMPARISON_WIDGET).content.decode()

    widget = client.get(
        "/api/v1/comparisons/inpatient-vs-outpatient-heroin-rehab/widget/"
    ).json()

    assert widget["html"] == main_of(iframe).strip()


def test_keyed_widget_endpoint_counts_one_embed_request(
    client, seed_content, partner, partner_key
):
    response = client.get(f"{WIDGET_API}?key={partner_key}", HTTP_ORIGIN=PARTNER_SITE)

    assert response.status_code == 200
    usage = PartnerUsage.objects.get(partner=partner)
    assert (usage.family, usage.count) == ("embed", 1)


def test_widget_endpoint_refusal_is_readable_by_the_partner_page(
    client, seed_content, partner_key
):
    response = client.get(
        f"{WIDGET_API}?key={partner_key}", HTTP_ORIGIN="https://elsewhere.example"
    )

    assert response.status_code == 403
    # CORS lets the script widget read the reason and show it.
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "may not be used from https://elsewhere.example" in response.json()["detail"]


def test_widget_endpoint_of_a_revoked_key_says_so(
    client, seed_content, partner, partner_key
):
    partner.revoke_keys()

    response = client.get(f"{WIDGET_API}?key={partner_key}")

    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_widget_endpoint_of_an_unpublished_topic_is_a_404(client, seed_content):
    Topic.objects.filter(slug="heroin-rehab").update(status=PublicationStatus.DRAFT)

    assert client.get(WIDGET_API).status_code == 404


def test_widget_endpoint_refuses_unknown_parameters(client, seed_content):
    response = client.get(f"{WIDGET_API}?theme=dark")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "theme"


def test_key_in_the_query_is_still_refused_elsewhere_in_the_api(
    client, seed_content, partner_key
):
    response = client.get(f"/api/v1/topics/heroin-rehab/?key={partner_key}")

    assert response.status_code == 400

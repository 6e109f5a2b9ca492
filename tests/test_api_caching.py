"""HTTP caching: validators, 304s, freshness headers, CORS."""

import datetime

import pytest

from content.models import FAQ, Section, Topic
from tests.conftest import FROZEN_NOW

TOPIC_URL = "/api/v1/topics/heroin-rehab/"
PUBLIC_URLS = [
    "/api/v1/",
    "/api/v1/topics/",
    TOPIC_URL,
    "/api/v1/faqs/",
    "/api/v1/search/?q=rehab",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_successful_get_carries_validators_and_freshness(client, published_faq, url):
    response = client.get(url)

    assert response.status_code == 200
    assert response["ETag"].startswith('"') and not response["ETag"].startswith("W/")
    assert response["Last-Modified"].endswith("GMT")
    assert response["Cache-Control"] == "public, max-age=60, s-maxage=300"
    assert "Accept" in response["Vary"]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_cdn_keeps_keyed_and_keyless_responses_apart(client, published_faq, url):
    response = client.get(url)
    cached = client.get(url)

    assert "X-Api-Key" in response["Vary"]
    assert cached["X-Cache"] == "hit"
    assert "X-Api-Key" in cached["Vary"]


def test_freshness_is_configurable(client, published_topic, settings):
    settings.API_CACHE_MAX_AGE = 5
    settings.API_CACHE_S_MAXAGE = 600

    response = client.get(TOPIC_URL)

    assert response["Cache-Control"] == "public, max-age=5, s-maxage=600"


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_matching_if_none_match_answers_304_without_body(client, published_faq, url):
    etag = client.get(url)["ETag"]

    response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_no_cache_request_still_revalidates_to_304(client, published_topic):
    etag = client.get(TOPIC_URL)["ETag"]

    response = client.get(
        TOPIC_URL, HTTP_IF_NONE_MATCH=etag, HTTP_CACHE_CONTROL="no-cache"
    )

    assert response.status_code == 304


SECOND = datetime.timedelta(seconds=1)
MOMENT = datetime.timedelta(milliseconds=200)


def test_if_modified_since_answers_304_when_nothing_changed(
    clock, client, published_topic
):
    clock.shift(2 * SECOND)  # past the second of the last change
    last_modified = client.get(TOPIC_URL)["Last-Modified"]

    response = client.get(TOPIC_URL, HTTP_IF_MODIFIED_SINCE=last_modified)

    assert response.status_code == 304


def test_if_modified_since_answers_200_after_an_edit(clock, client, published_topic):
    last_modified = client.get(TOPIC_URL)["Last-Modified"]
    clock.shift(datetime.timedelta(minutes=5))
    published_topic.title = "Heroin rehab explained"
    published_topic.save()

    response = client.get(TOPIC_URL, HTTP_IF_MODIFIED_SINCE=last_modified)

    assert response.status_code == 200


@pytest.mark.parametrize("cache_enabled", [True, False], ids=["cached", "uncached"])
def test_if_modified_since_answers_200_after_an_edit_in_the_same_second(
    clock, client, published_topic, settings, cache_enabled
):
    settings.RESPONSE_CACHE_ENABLED = cache_enabled
    clock.move_to(FROZEN_NOW + MOMENT)
    published_topic.save()
    clock.shift(MOMENT)
    last_modified = client.get(TOPIC_URL)["Last-Modified"]
    clock.shift(MOMENT)
    published_topic.title = "Heroin rehab explained"
    published_topic.save()
    clock.shift(MOMENT)

    response = client.get(TOPIC_URL, HTTP_IF_MODIFIED_SINCE=last_modified)

    assert response.status_code == 200
    assert response.json()["title"] == "Heroin rehab explained"


def test_last_modified_is_the_end_of_the_second_of_the_change_once_it_is_over(
    clock, client, published_topic
):
    clock.move_to(FROZEN_NOW + MOMENT)
    published_topic.save()
    during = client.get(TOPIC_URL)
    clock.shift(2 * SECOND)

    after = client.get(TOPIC_URL)

    assert during["Last-Modified"] == "Mon, 23 Nov 2026 12:00:00 GMT"
    assert after["X-Cache"] == "hit"
    assert after["Last-Modified"] == "Mon, 23 Nov 2026 12:00:01 GMT"


def test_if_modified_since_from_within_the_second_of_the_change_is_not_trusted(
    clock, client, published_topic
):
    clock.move_to(FROZEN_NOW + MOMENT)
    published_topic.save()
    last_modified = client.get(TOPIC_URL)["Last-Modified"]
    clock.shift(2 * SECOND)

    refetched = client.get(TOPIC_URL, HTTP_IF_MODIFIED_SINCE=last_modified)
    revalidated = client.get(
        TOPIC_URL, HTTP_IF_MODIFIED_SINCE=refetched["Last-Modified"]
    )

    assert refetched.status_code == 200
    assert revalidated.status_code == 304


def test_stale_etag_gets_the_full_response(client, published_topic):
    response = client.get(TOPIC_URL, HTTP_IF_NONE_MATCH='"not-the-current-etag"')

    assert response.status_code == 200
    assert response.json()["slug"] == "heroin-rehab"


def test_etag_changes_when_a_child_section_changes(client, published_topic):
    before = client.get(TOPIC_URL)["ETag"]

    Section.objects.create(
        topic=published_topic, heading="Detox", anchor="detox", body="x"
    )

    assert client.get(TOPIC_URL)["ETag"] != before


def test_etag_changes_when_a_scheduled_faq_becomes_visible(
    clock, client, published_faq
):
    FAQ.objects.filter(pk=published_faq.pk).update(
        publish_at=FROZEN_NOW + datetime.timedelta(hours=1)
    )
    before = client.get(TOPIC_URL)

    clock.shift(datetime.timedelta(hours=2))
    after = client.get(TOPIC_URL)

    assert after["ETag"] != before["ETag"]
    assert after["Last-Modified"] != before["Last-Modified"]
    assert [faq["id"] for faq in after.json()["faqs"]] == [published_faq.pk]


def test_head_answers_like_get_without_body(client, published_topic):
    get = client.get(TOPIC_URL)

    head = client.head(TOPIC_URL)

    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Content-Type"] == get["Content-Type"]


def test_head_with_matching_etag_answers_304(client, published_topic):
    etag = client.get(TOPIC_URL)["ETag"]

    assert client.head(TOPIC_URL, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_errors_are_not_marked_cacheable(client, db):
    response = client.get("/api/v1/topics/missing/")

    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")


def test_cors_allows_any_origin_to_read_without_credentials(client, published_topic):
    response = client.get(TOPIC_URL, HTTP_ORIGIN="https://clinic.example")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_cors_exposes_the_headers_the_contract_declares(client, published_topic):
    response = client.get(TOPIC_URL, HTTP_ORIGIN="https://clinic.example")

    exposed = {
        name.strip().lower()
        for name in response["Access-Control-Expose-Headers"].split(",")
    }
    for name in ("ETag", "Last-Modified", "Retry-After", "X-Request-ID"):
        assert name.lower() in exposed
        assert name in response or name == "Retry-After"


def test_cors_preflight_allows_reads_and_assessment_posts(client, db):
    response = client.options(
        "/api/v1/topics/",
        HTTP_ORIGIN="https://clinic.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert response.status_code == 200
    allowed = {m.strip() for m in response["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS", "POST"}


def test_admin_is_not_cors_enabled(client, db):
    response = client.get("/admin/login/", HTTP_ORIGIN="https://clinic.example")

    assert "Access-Control-Allow-Origin" not in response


def test_deleted_topic_changes_list_validators(clock, client, published_topic):
    before = client.get("/api/v1/topics/")
    clock.shift(datetime.timedelta(minutes=1))

    Topic.objects.get(pk=published_topic.pk).delete()
    after = client.get(
        "/api/v1/topics/", HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]
    )

    assert after.status_code == 200
    assert after.json()["count"] == 0


def test_no_deprecation_headers_while_v1_is_current(client, db):
    response = client.get("/api/v1/")

    assert "Deprecation" not in response
    assert "Sunset" not in response


def test_retiring_v1_announces_deprecation_and_sunset(client, db, settings):
    settings.API_V1_DEPRECATED_ON = "2027-01-01"
    settings.API_V1_SUNSET_ON = "2027-07-01"

    response = client.get("/api/v1/topics/")

    assert response["Deprecation"] == "@1798761600"
    assert response["Sunset"] == "Thu, 01 Jul 2027 00:00:00 GMT"

"""The response cache: hits cost no SQL, and no response is ever stale."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.db import OperationalError

from api.response_cache import ENTRY_PREFIX
from content.models import (
    FAQ,
    Comparison,
    PublicationStatus,
    Resource,
    Section,
    Topic,
)
from content.models.changes import VERSION_CACHE_KEY, VERSION_CACHE_TIMEOUT
from tests.conftest import FROZEN_NOW

TOPIC = "/api/v1/topics/heroin-rehab/"
COMPARISON = "/api/v1/comparisons/inpatient-vs-outpatient-heroin-rehab/"
HOUR = datetime.timedelta(hours=1)
FAMILIES = [
    "/api/v1/",
    "/api/v1/topics/",
    TOPIC,
    "/api/v1/comparisons/",
    COMPARISON,
    COMPARISON + "assessment/",
    COMPARISON + "faqpage/",
    TOPIC + "widget/",
    "/api/v1/faqs/",
    "/api/v1/resources/",
    "/api/v1/search/?q=rehab",
    "/embed/v1/topics/heroin-rehab/faqs/",
]


@pytest.mark.parametrize("url", FAMILIES)
def test_cache_hit_runs_no_sql(client, seed_content, url, django_assert_num_queries):
    first = client.get(url)
    assert first["X-Cache"] == "miss"

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == 200
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]


def test_conditional_hit_answers_304_without_reading_the_body(
    client, seed_content, monkeypatch, django_assert_num_queries
):
    etag = client.get(TOPIC)["ETag"]
    read = []
    original_get = cache.get
    monkeypatch.setattr(
        cache,
        "get",
        lambda key, *a, **kw: read.append(key) or original_get(key, *a, **kw),
    )

    with django_assert_num_queries(0):
        response = client.get(TOPIC, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert not [key for key in read if key.endswith(":body")]


@pytest.mark.parametrize(
    "url, validity_key",
    [
        (TOPIC, "generation:v1:item:topic:heroin-rehab"),
        (
            COMPARISON + "faqpage/",
            "generation:v1:item:comparison:inpatient-vs-outpatient-heroin-rehab",
        ),
        ("/api/v1/faqs/", "generation:v1:list:faq"),
        ("/api/v1/search/?q=rehab", VERSION_CACHE_KEY),
    ],
)
def test_hit_reads_what_decides_validity_validators_and_body_in_one_round_trip(
    client, seed_content, monkeypatch, url, validity_key
):
    client.get(url)
    single_reads, multiple_reads = [], []
    original_get, original_get_many = cache.get, cache.get_many
    inside_get_many = False

    def get(key, *args, **kwargs):
        if not inside_get_many:
            single_reads.append(key)
        return original_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        nonlocal inside_get_many
        multiple_reads.append(keys)
        # The in-process backend reads key by key; Redis answers one MGET.
        inside_get_many = True
        try:
            return original_get_many(keys, *args, **kwargs)
        finally:
            inside_get_many = False

    monkeypatch.setattr(cache, "get", get)
    monkeypatch.setattr(cache, "get_many", get_many)

    response = client.get(url)

    assert response["X-Cache"] == "hit"
    assert single_reads == []
    [keys] = multiple_reads
    [entry] = [
        key for key in keys if key.startswith(ENTRY_PREFIX) and key[-5:] != ":body"
    ]
    assert set(keys) == {validity_key, entry, entry + ":body"}


def test_representations_are_cached_apart(client, seed_content):
    json_body = client.get(TOPIC).content
    client.get(TOPIC, HTTP_ACCEPT="application/ld+json")

    assert client.get(TOPIC).content == json_body
    ld = client.get(TOPIC, HTTP_ACCEPT="application/ld+json")
    assert ld["X-Cache"] == "hit"
    assert ld["Content-Type"] == "application/ld+json"


def test_keys_are_hashes_of_bounded_length(client, seed_content):
    client.get("/api/v1/search/?q=" + "rehab " * 30)

    keys = [key for key in cache._cache if ENTRY_PREFIX in key]  # locmem internals
    assert keys and all(len(key) < 120 for key in keys)


def test_large_bodies_are_not_cached(client, seed_content, settings):
    settings.RESPONSE_CACHE_MAX_BYTES = 100

    client.get(TOPIC)

    assert client.get(TOPIC).get("X-Cache") != "hit"


def test_partner_keyed_requests_bypass_the_cache(client, seed_content):
    client.get("/api/v1/topics/")

    response = client.get("/api/v1/topics/", HTTP_X_API_KEY="abcdefgh.invalid")

    assert response.status_code == 401


def test_errors_are_not_cached(client, seed_content):
    client.get("/api/v1/topics/nope/")

    assert "X-Cache" not in client.get("/api/v1/topics/nope/")


def test_cached_responses_are_served_while_the_database_is_down(
    client, seed_content, monkeypatch
):
    client.get(TOPIC)

    def down(*args, **kwargs):
        raise OperationalError("could not connect")

    with monkeypatch.context() as database_down:
        database_down.setattr(
            "django.db.backends.base.base.BaseDatabaseWrapper.cursor", down
        )
        hit = client.get(TOPIC)
        missed = client.get("/api/v1/topics/medical-detox/")

    assert hit.status_code == 200
    assert missed.status_code == 503
    assert missed["Content-Type"] == "application/problem+json"


def rename_topic():
    topic = Topic.objects.get(slug="heroin-rehab")
    topic.title = "Heroin rehab, updated"
    topic.save()


def draft_topic():
    topic = Topic.objects.get(slug="heroin-rehab")
    topic.status = PublicationStatus.DRAFT
    topic.save()


def edit_section():
    section = Section.objects.filter(topic__slug="heroin-rehab").first()
    section.heading = "A new heading"
    section.save()


def reorder_sections():
    sections = list(Section.objects.filter(topic__slug="heroin-rehab"))
    for position, section in enumerate(reversed(sections)):
        section.position = position
        section.save()


def delete_faq():
    FAQ.objects.filter(topic__slug="heroin-rehab").first().delete()


def archive_comparison():
    comparison = Comparison.objects.get()
    comparison.status = PublicationStatus.ARCHIVED
    comparison.save()


def rename_resource():
    resource = Resource.objects.first()
    resource.name = "Renamed helpline"
    resource.save()


EDITS = {
    "save": rename_topic,
    "status change": draft_topic,
    "child edit": edit_section,
    "reorder": reorder_sections,
    "delete": delete_faq,
    "comparison archived": archive_comparison,
    "resource renamed": rename_resource,
}


def responses(client) -> dict[str, tuple[int, bytes]]:
    return {
        url: (r.status_code, r.content) for url in FAMILIES for r in [client.get(url)]
    }


def cached_then_fresh(client):
    cached = responses(client)
    cache.clear()
    return cached, responses(client)


@pytest.mark.parametrize("edit", EDITS)
def test_no_stale_response_after_an_edit(clock, client, seed_content, edit):
    """Every endpoint family, cached before the edit, answers fresh right after."""
    before = responses(client)
    clock.shift(datetime.timedelta(seconds=5))

    EDITS[edit]()
    cached, fresh = cached_then_fresh(client)

    assert cached == fresh
    assert cached != before


@pytest.mark.parametrize("url", [TOPIC, "/api/v1/search/?q=rehab"])
def test_edit_made_while_the_cache_was_unreachable_shows_within_a_minute(
    clock, client, seed_content, monkeypatch, django_capture_on_commit_callbacks, url
):
    before = client.get(url).content
    clock.shift(datetime.timedelta(seconds=5))
    with monkeypatch.context() as unreachable:
        # The outage swallows the edit's replacement of the cached version
        # and of the topic's generation token.
        for method in ("delete", "set", "delete_many", "set_many"):
            unreachable.setattr(cache, method, lambda *args, **kwargs: False)
        with django_capture_on_commit_callbacks(execute=True):
            rename_topic()
    clock.shift(datetime.timedelta(seconds=VERSION_CACHE_TIMEOUT))

    response = client.get(url)

    assert response.status_code == 200
    assert response.content != before
    assert b"Heroin rehab, updated" in response.content


def test_no_stale_response_when_a_scheduled_item_appears(clock, client, seed_content):
    Topic.objects.filter(slug="heroin-rehab").update(publish_at=FROZEN_NOW + HOUR)
    FAQ.objects.update(publish_at=FROZEN_NOW + HOUR)
    cache.clear()
    before = responses(client)

    clock.shift(2 * HOUR)
    cached, fresh = cached_then_fresh(client)

    assert cached == fresh
    assert cached[TOPIC] != before[TOPIC]
    assert cached["/api/v1/faqs/"] != before["/api/v1/faqs/"]


def test_no_stale_response_when_an_item_expires(clock, client, seed_content):
    Topic.objects.filter(slug="heroin-rehab").update(unpublish_at=FROZEN_NOW + HOUR)
    cache.clear()
    before = responses(client)

    clock.shift(2 * HOUR)
    cached, fresh = cached_then_fresh(client)

    assert cached == fresh
    assert cached[TOPIC][0] == 404 and before[TOPIC][0] == 200


def cache_entries() -> list[str]:
    """The response cache's entries (locmem internals), bodies left out."""
    return [
        key for key in cache._cache if ENTRY_PREFIX in key and not key.endswith(":body")
    ]


def test_repeated_parameter_is_answered_as_the_view_reads_it_never_from_the_cache(
    client, seed_content
):
    detox = client.get("/api/v1/search/?q=detox").content
    rehab = client.get("/api/v1/search/?q=rehab").content

    detox_last = client.get("/api/v1/search/?q=rehab&q=detox")
    rehab_last = client.get("/api/v1/search/?q=detox&q=rehab")

    assert detox != rehab
    assert detox_last.status_code == rehab_last.status_code == 200
    assert detox_last.json()["results"] == json.loads(detox)["results"]
    assert rehab_last.json()["results"] == json.loads(rehab)["results"]
    assert "X-Cache" not in detox_last and "X-Cache" not in rehab_last
    assert len(cache_entries()) == 2


def test_spellings_of_one_query_share_one_entry(client, seed_content):
    bodies = {
        client.get(f"/api/v1/search/?{query}").content
        for query in ["q=rehab&limit=1", "limit=1&q=rehab", "q=reha%62&limit=1"]
    }

    assert len(bodies) == 1
    assert len(cache_entries()) == 1


def test_accept_values_that_select_the_same_representation_share_one_entry(
    client, seed_content
):
    accepts = [f"application/json;q=0.{n}" for n in range(1, 10)]
    accepts += ["application/json", "Application/JSON", "application/json, text/csv"]
    for accept in accepts:
        assert client.get(TOPIC, HTTP_ACCEPT=accept).status_code == 200

    assert len(cache_entries()) == 1


def test_accept_with_parameters_bypasses_the_cache(client, seed_content):
    for indent in range(1, 6):
        accept = f"application/json; indent={indent}"
        response = client.get(TOPIC, HTTP_ACCEPT=accept)
        assert response.status_code == 200
        assert "X-Cache" not in response
        assert response.content.startswith(b"{\n" + b" " * indent + b'"')

    assert cache_entries() == []


def test_unknown_parameters_never_create_entries(client, seed_content):
    for n in range(5):
        assert client.get(f"{TOPIC}?junk{n}=1").status_code == 400

    assert cache_entries() == []


UNCHANGING_HEADERS_OF_A_HIT = {"X-Cache", "X-Request-ID"}


@pytest.mark.parametrize("url", [url for url in FAMILIES if "assessment" not in url])
def test_cache_hit_carries_every_header_of_the_miss(client, seed_content, clock, url):
    # The clock stands still: Last-Modified of content changed in the current
    # second is that second until it is over (api.caching.last_modified_header).
    miss = client.get(url)
    hit = client.get(url)

    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    assert {
        name: value
        for name, value in hit.headers.items()
        if name not in UNCHANGING_HEADERS_OF_A_HIT
    } == {
        name: value
        for name, value in miss.headers.items()
        if name not in UNCHANGING_HEADERS_OF_A_HIT
    }


def test_cache_hit_on_the_api_refuses_framing(client, seed_content):
    client.get(TOPIC)

    hit = client.get(TOPIC)

    assert hit["X-Cache"] == "hit"
    assert hit["X-Frame-Options"] == "DENY"


def test_cache_hit_on_a_widget_page_may_still_be_framed(client, seed_content):
    url = "/embed/v1/topics/heroin-rehab/faqs/"
    client.get(url)

    hit = client.get(url)

    assert hit["X-Cache"] == "hit"
    assert "X-Frame-Options" not in hit
    assert "frame-ancestors *" in hit["Content-Security-Policy"]


@pytest.fixture
def stack_work(monkeypatch):
    """Names of the session, auth, messages, CSRF and history middleware that
    did work, request by request."""
    import contextlib

    import simple_history.middleware
    from django.contrib.auth.middleware import AuthenticationMiddleware
    from django.contrib.messages.middleware import MessageMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.middleware.csrf import CsrfViewMiddleware

    done = []

    def recording(name, method):
        def record(*args, **kwargs):
            done.append(name)
            return method(*args, **kwargs)

        return record

    for name, middleware in [
        ("session", SessionMiddleware),
        ("auth", AuthenticationMiddleware),
        ("messages", MessageMiddleware),
        ("csrf", CsrfViewMiddleware),
    ]:
        monkeypatch.setattr(
            middleware, "process_request", recording(name, middleware.process_request)
        )
    history = simple_history.middleware._context_manager
    monkeypatch.setattr(
        simple_history.middleware,
        "_context_manager",
        recording("history", contextlib.contextmanager(history.__wrapped__)),
    )
    return done


def test_cache_hit_and_its_304_skip_session_auth_messages_csrf_and_history(
    client, seed_content, stack_work
):
    etag = client.get(TOPIC)["ETag"]
    on_miss = sorted(stack_work)
    stack_work.clear()

    hit = client.get(TOPIC)
    not_modified = client.get(TOPIC, HTTP_IF_NONE_MATCH=etag)

    assert on_miss == ["auth", "csrf", "history", "messages", "session"]
    assert (hit["X-Cache"], not_modified.status_code) == ("hit", 304)
    assert stack_work == []

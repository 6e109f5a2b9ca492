"""Partner API keys: issue, rotate, revoke, origins, rate tiers and usage counts."""

import datetime
import pickle

import pytest
import yaml
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.problems import PROBLEM_CONTENT_TYPE
from api.throttling import PartnerRateThrottle, check_partner_rate_tiers
from partners.access import (
    InvalidKey,
    OriginNotAllowed,
    lookup_cache_key,
    record_usage,
    resolve_partner,
)
from partners.models import Partner, PartnerAPIKey, PartnerUsage, RateTier

TOPICS = "/api/v1/topics/"
CLINIC = "https://clinic.example"


@pytest.fixture
def other_partner(db):
    return Partner.objects.create(
        name="Recovery App", contact_email="ops@recovery.example"
    )


@pytest.fixture
def key(partner):
    return partner.issue_key()[1]


@pytest.fixture
def tier_rates(settings, monkeypatch):
    """Small rates: anonymous 1, standard 3, high 5 requests a minute."""
    monkeypatch.setattr(PartnerRateThrottle, "THROTTLE_RATES", {"anon": "1/minute"})
    settings.PARTNER_RATE_TIERS = {
        "standard": "3/minute",
        "high": "5/minute",
        "unlimited": None,
    }


def keyed_get(client, path: str, key: str, **headers):
    return client.get(path, HTTP_X_API_KEY=key, **headers)


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert body["status"] == status
    return body


def statuses(client, count: int, key: str | None = None, **headers) -> list[int]:
    if key is not None:
        headers["HTTP_X_API_KEY"] = key
    return [client.get(TOPICS, **headers).status_code for _ in range(count)]


# Keys ---------------------------------------------------------------------


def test_key_issue_stores_only_the_prefix_and_a_hash(partner):
    api_key, key = partner.issue_key()

    prefix, _, secret = key.partition(".")
    row = PartnerAPIKey.objects.values().get()
    assert row["prefix"] == prefix
    assert row["hashed_key"].startswith("sha512$$")
    assert all(secret not in str(value) for value in row.values())
    history = PartnerAPIKey.history.values().get()
    assert all(secret not in str(value) for value in history.values())
    assert api_key.partner == partner


def test_key_identifies_its_partner(partner, key):
    request = RequestFactory().get(TOPICS, HTTP_X_API_KEY=key)

    assert resolve_partner(request) == partner


def test_key_absent_resolves_to_no_partner(db):
    request = RequestFactory().get(TOPICS, HTTP_ORIGIN="https://anywhere.example")

    assert resolve_partner(request) is None


def test_keyed_request_is_answered(client, key, published_topic):
    response = keyed_get(client, TOPICS, key)

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_keyless_request_stays_anonymous_and_allowed(client, partner):
    response = client.get(TOPICS)

    assert response.status_code == 200
    assert not PartnerUsage.objects.exists()


def test_unknown_key_is_a_problem_401(client, db):
    response = keyed_get(client, TOPICS, "abcd1234." + "x" * 32)

    body = assert_problem(response, 401)
    assert body["detail"].startswith("Unknown API key")
    assert response["WWW-Authenticate"] == "Api-Key"


def test_right_prefix_with_wrong_secret_is_a_problem_401(client, key):
    prefix = key.partition(".")[0]

    body = assert_problem(keyed_get(client, TOPICS, f"{prefix}.{'y' * 32}"), 401)

    assert body["detail"].startswith("Unknown API key")


@pytest.mark.parametrize(
    "value",
    ["", "nonsense", "abcd1234.short", "a" * 500, "abcd1234.{}".format("é" * 32)],
)
def test_malformed_key_is_a_problem_401(client, db, value):
    body = assert_problem(keyed_get(client, TOPICS, value), 401)

    assert "not a Rehabinfo API key" in body["detail"]


def test_revoked_key_is_a_problem_401(client, partner, key):
    partner.revoke_keys()

    body = assert_problem(keyed_get(client, TOPICS, key), 401)

    assert "revoked" in body["detail"]


def test_revocation_cannot_be_undone(partner, key):
    partner.revoke_keys()
    api_key = partner.api_keys.get()
    api_key.revoked = False

    with pytest.raises(ValidationError):
        api_key.full_clean()


def test_expired_key_is_a_problem_401(client, partner, key, now):
    partner.api_keys.update(expiry_date=now - datetime.timedelta(minutes=1))

    body = assert_problem(keyed_get(client, TOPICS, key), 401)

    assert "expired" in body["detail"]


def test_inactive_partner_key_is_a_problem_401(client, partner, key):
    partner.is_active = False
    partner.save()

    body = assert_problem(keyed_get(client, TOPICS, key), 401)

    assert "not active" in body["detail"]


def test_key_rotation_stops_the_old_key_and_starts_the_new(client, partner, key):
    partner.revoke_keys()
    new_key = partner.issue_key()[1]

    assert keyed_get(client, TOPICS, key).status_code == 401
    assert keyed_get(client, TOPICS, new_key).status_code == 200


def test_key_in_query_is_an_unknown_parameter_on_the_api(client, key):
    body = assert_problem(client.get(f"{TOPICS}?key={key}"), 400)

    assert [error["field"] for error in body["errors"]] == ["key"]
    assert not PartnerUsage.objects.exists()


def test_key_in_query_is_read_only_where_allowed(partner, key):
    request = RequestFactory().get(f"/embed/v1/faqs/?key={key}")

    assert resolve_partner(request) is None
    assert resolve_partner(request, allow_query_key=True) == partner


def test_invalid_key_in_query_raises_invalid_key(db):
    request = RequestFactory().get("/embed/v1/faqs/?key=nonsense")

    with pytest.raises(InvalidKey) as error:
        resolve_partner(request, allow_query_key=True)

    assert error.value.status == 401 and error.value.detail


# Origins ------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin", [CLINIC, "HTTPS://Clinic.Example:443", "http://localhost:8000"]
)
def test_key_from_an_allowed_origin_is_answered(client, key, origin):
    assert keyed_get(client, TOPICS, key, HTTP_ORIGIN=origin).status_code == 200


@pytest.mark.parametrize(
    "origin",
    [
        "https://elsewhere.example",
        "http://clinic.example",
        "https://clinic.example:8443",
        "https://sub.clinic.example",
        "null",
    ],
)
def test_key_from_another_origin_is_a_problem_403(client, key, origin):
    body = assert_problem(keyed_get(client, TOPICS, key, HTTP_ORIGIN=origin), 403)

    assert origin in body["detail"]
    assert not PartnerUsage.objects.exists()


def test_key_origin_falls_back_to_the_referer(client, key):
    allowed = keyed_get(client, TOPICS, key, HTTP_REFERER=f"{CLINIC}/help/rehab?x=1")
    refused = keyed_get(
        client, TOPICS, key, HTTP_REFERER="https://copycat.example/page"
    )

    assert allowed.status_code == 200
    body = assert_problem(refused, 403)
    assert "https://copycat.example" in body["detail"]


def test_key_origin_header_wins_over_the_referer(client, key):
    response = keyed_get(
        client,
        TOPICS,
        key,
        HTTP_ORIGIN="https://copycat.example",
        HTTP_REFERER=f"{CLINIC}/page",
    )

    assert_problem(response, 403)


def test_key_without_origin_or_referer_is_answered(client, other_partner):
    server_key = other_partner.issue_key()[1]  # No allowed origins at all.

    assert keyed_get(client, TOPICS, server_key).status_code == 200


def test_resolve_partner_raises_origin_not_allowed(key):
    request = RequestFactory().get(
        "/embed/v1/faqs/", HTTP_X_API_KEY=key, HTTP_ORIGIN="https://copycat.example"
    )

    with pytest.raises(OriginNotAllowed) as error:
        resolve_partner(request)

    assert error.value.status == 403


def test_invalid_key_is_refused_before_the_origin_is_checked(client, db):
    response = keyed_get(
        client, TOPICS, "nonsense", HTTP_ORIGIN="https://copycat.example"
    )

    assert_problem(response, 401)


def test_cors_preflight_allows_the_key_header(client, db):
    response = client.options(
        TOPICS,
        HTTP_ORIGIN=CLINIC,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-api-key",
    )

    assert response.status_code == 200
    assert "x-api-key" in response["Access-Control-Allow-Headers"]


# The Partner model --------------------------------------------------------


def test_partner_clean_normalises_allowed_origins(db):
    partner = Partner(
        name="P",
        contact_email="p@p.example",
        allowed_origins=" HTTPS://Clinic.Example:443/ \n\nhttp://localhost:8000\n"
        "https://clinic.example\n",
    )

    partner.full_clean()

    assert partner.allowed_origins == f"{CLINIC}\nhttp://localhost:8000"
    assert partner.allowed_origin_list == [CLINIC, "http://localhost:8000"]


@pytest.mark.parametrize(
    "line",
    [
        "https://clinic.example/widgets",
        "clinic.example",
        "ftp://clinic.example",
        "https://user@clinic.example",
        "https://clinic.example?x=1",
        "https://clinic.example#top",
        "https://clinic.example:99999",
        "https://not a host",
    ],
)
def test_partner_clean_rejects_what_is_not_an_origin(db, line):
    partner = Partner(name="P", contact_email="p@p.example", allowed_origins=line)

    with pytest.raises(ValidationError) as error:
        partner.full_clean()

    assert "allowed_origins" in error.value.message_dict


def test_partner_allows_only_its_origins(partner):
    assert partner.allows_origin("https://CLINIC.example")
    assert partner.allows_origin("https://clinic.example:443")
    assert not partner.allows_origin("https://clinic.example.evil.example")
    assert not partner.allows_origin("not an origin")


def test_partner_changes_are_recorded_in_history(partner):
    partner.rate_tier = RateTier.HIGH
    partner.save()

    assert [h.rate_tier for h in partner.history.all()] == ["high", "standard"]


# Rate tiers ---------------------------------------------------------------


def test_throttle_gives_a_keyed_partner_its_tier_rate(client, key, tier_rates):
    assert statuses(client, 4, key) == [200, 200, 200, 429]


def test_throttle_counts_partner_and_anonymous_requests_apart(client, key, tier_rates):
    assert statuses(client, 2) == [200, 429]  # Anonymous, same address.
    assert statuses(client, 3, key) == [200, 200, 200]


def test_throttle_counts_a_partner_across_addresses(client, key, tier_rates):
    first = statuses(client, 2, key, REMOTE_ADDR="192.0.2.1")
    second = statuses(client, 2, key, REMOTE_ADDR="198.51.100.7")

    assert first + second == [200, 200, 200, 429]


def test_throttle_keeps_partners_counters_apart(client, key, other_partner, tier_rates):
    other_key = other_partner.issue_key()[1]

    assert statuses(client, 4, key) == [200, 200, 200, 429]
    # From the same address (a NAT, a shared host): good keys cost no key check.
    assert statuses(client, 3, other_key) == [200] * 3


def test_throttle_follows_the_partners_tier(client, partner, key, tier_rates):
    partner.rate_tier = RateTier.HIGH
    partner.save()

    assert statuses(client, 6, key) == [200] * 5 + [429]


def test_throttle_lets_an_unlimited_partner_through(client, partner, key, tier_rates):
    partner.rate_tier = RateTier.UNLIMITED
    partner.save()

    assert statuses(client, 10, key) == [200] * 10


def test_throttled_partner_gets_a_problem_429_with_retry_after(client, key, tier_rates):
    statuses(client, 3, key)

    response = keyed_get(client, TOPICS, key)

    assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0


def test_rate_tier_check_reports_a_missing_or_bad_rate(settings):
    settings.PARTNER_RATE_TIERS = {"standard": "lots", "high": "10/minute"}

    errors = check_partner_rate_tiers(None)

    assert sorted(error.id for error in errors) == ["api.E001", "api.E002"]


def test_rate_tier_check_passes_the_default_settings():
    assert check_partner_rate_tiers(None) == []


# Usage --------------------------------------------------------------------


def usage(partner) -> dict[tuple[datetime.date, str], int]:
    return {
        (row.day, row.family): row.count
        for row in PartnerUsage.objects.filter(partner=partner)
    }


def test_usage_counts_keyed_requests_per_family_per_day(
    client, clock, partner, key, published_comparison
):
    for path in [
        TOPICS,
        "/api/v1/topics/heroin-rehab/",
        "/api/v1/faqs/",
        "/api/v1/search/?q=rehab",
        "/api/v1/comparisons/inpatient-vs-outpatient/assessment/",
        "/api/v1/",
    ]:
        assert keyed_get(client, path, key).status_code == 200
    clock.shift(datetime.timedelta(days=1))
    keyed_get(client, TOPICS, key)

    today = datetime.date(2026, 11, 23)
    tomorrow = today + datetime.timedelta(days=1)
    assert usage(partner) == {
        (today, "topics"): 2,
        (today, "faqs"): 1,
        (today, "search"): 1,
        (today, "assessment"): 1,
        (today, "root"): 1,
        (tomorrow, "topics"): 1,
    }


def test_usage_is_counted_per_partner(client, key, partner, other_partner):
    keyed_get(client, TOPICS, key)
    keyed_get(client, TOPICS, other_partner.issue_key()[1])

    assert PartnerUsage.objects.get(partner=partner).count == 1
    assert PartnerUsage.objects.get(partner=other_partner).count == 1


def test_usage_is_not_counted_without_a_valid_key(client, partner, key):
    client.get(TOPICS)
    keyed_get(client, TOPICS, "nonsense")
    partner.revoke_keys()
    keyed_get(client, TOPICS, key)

    assert not PartnerUsage.objects.exists()


def test_record_usage_increments_one_row(partner, clock):
    for _ in range(3):
        record_usage(partner, "embed")

    row = PartnerUsage.objects.get()
    assert (row.day, row.family, row.count) == (datetime.date(2026, 11, 23), "embed", 3)


def test_record_usage_costs_one_query_once_the_row_exists(
    partner, django_assert_num_queries
):
    record_usage(partner, "jsonld")

    with django_assert_num_queries(1):
        record_usage(partner, "jsonld")


def test_usage_table_has_no_column_about_the_end_user(db):
    with connection.cursor() as cursor:
        columns = {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, PartnerUsage._meta.db_table
            )
        }

    assert columns == {"id", "partner_id", "day", "family", "count"}


# Schema -------------------------------------------------------------------


def test_schema_documents_the_optional_key_and_its_errors(client, db):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)

    scheme = schema["components"]["securitySchemes"]["ApiKey"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == (
        "apiKey",
        "header",
        "X-Api-Key",
    )
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            assert {} in operation["security"], where
            assert {"ApiKey": []} in operation["security"], where
            for status in ("401", "403"):
                content = operation["responses"][status]["content"]
                assert PROBLEM_CONTENT_TYPE in content, (where, status)


# Admin --------------------------------------------------------------------


def partner_url(view: str, *args) -> str:
    return reverse(f"admin:partners_partner_{view}", args=args)


def run_action(admin_client, action: str, partner, **extra):
    return admin_client.post(
        partner_url("changelist"),
        {"action": action, "_selected_action": [partner.pk], **extra},
        follow=True,
    )


def shown_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_partner_admin_pages_render_for_a_superuser(admin_client, partner, key):
    api_key = partner.api_keys.get()
    urls = [
        partner_url("changelist"),
        partner_url("add"),
        partner_url("change", partner.pk),
        partner_url("history", partner.pk),
        reverse("admin:partners_partnerapikey_changelist"),
        reverse("admin:partners_partnerapikey_change", args=[api_key.pk]),
        reverse("admin:index"),
    ]

    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert key not in response.content.decode(), url


def test_partner_admin_adds_a_partner_with_normalised_origins(admin_client, db):
    response = admin_client.post(
        partner_url("add"),
        {
            "name": "Helpful Site",
            "contact_name": "",
            "contact_email": "web@helpful.example",
            "is_active": "on",
            "notes": "",
            "rate_tier": "standard",
            "allowed_origins": "HTTPS://Helpful.Example/",
            "api_keys-TOTAL_FORMS": "0",
            "api_keys-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    assert Partner.objects.get().allowed_origins == "https://helpful.example"


def test_partner_admin_refuses_an_origin_with_a_path(admin_client, db):
    response = admin_client.post(
        partner_url("add"),
        {
            "name": "Helpful Site",
            "contact_email": "web@helpful.example",
            "rate_tier": "standard",
            "allowed_origins": "https://helpful.example/widgets",
            "api_keys-TOTAL_FORMS": "0",
            "api_keys-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "is not an origin" in response.content.decode()
    assert not Partner.objects.exists()


def test_partner_admin_shows_the_rates_of_the_tiers(admin_client, partner):
    html = admin_client.get(partner_url("change", partner.pk)).content.decode()

    assert "Standard: 600/minute" in html
    assert "Unlimited: no limit" in html


def test_partner_admin_issue_action_shows_the_key_once(admin_client, client, partner):
    response = run_action(admin_client, "issue_key", partner)

    assert response.redirect_chain == [(partner_url("changelist"), 302)]
    [message] = shown_messages(response)
    key = message.split(": ")[1].split(" ")[0]
    assert keyed_get(client, TOPICS, key).status_code == 200
    api_key = partner.api_keys.get()
    assert key.startswith(api_key.prefix) and api_key.name.endswith("by admin")
    later = admin_client.get(partner_url("change", partner.pk)).content.decode()
    assert api_key.prefix in later and key not in later


def test_partner_admin_rotate_action_asks_then_rotates(
    admin_client, client, partner, key
):
    question = run_action(admin_client, "rotate_keys", partner)

    assert question.status_code == 200 and not question.redirect_chain
    assert "stop working at once" in question.content.decode()
    assert keyed_get(client, TOPICS, key).status_code == 200

    response = run_action(admin_client, "rotate_keys", partner, confirmed="yes")

    assert response.redirect_chain == [(partner_url("changelist"), 302)]
    new_key = next(
        message.split(": ")[1].split(" ")[0]
        for message in shown_messages(response)
        if message.startswith("New API key")
    )
    assert keyed_get(client, TOPICS, key).status_code == 401
    assert keyed_get(client, TOPICS, new_key).status_code == 200
    assert partner.api_keys.filter(revoked=False).count() == 1


def test_partner_admin_revoke_action_asks_then_revokes(
    admin_client, client, partner, key
):
    question = run_action(admin_client, "revoke_keys", partner)

    assert question.status_code == 200 and not question.redirect_chain
    assert partner.api_keys.get().prefix in question.content.decode()

    response = run_action(admin_client, "revoke_keys", partner, confirmed="yes")

    assert response.redirect_chain == [(partner_url("changelist"), 302)]
    assert keyed_get(client, TOPICS, key).status_code == 401
    assert shown_messages(response) == ["Clinic Finder: 1 key(s) revoked."]


def test_partner_admin_usage_table_shows_days_and_families(
    admin_client, clock, partner
):
    for _ in range(2):
        record_usage(partner, "topics")
    record_usage(partner, "embed")
    clock.shift(datetime.timedelta(days=1))
    record_usage(partner, "search")

    html = admin_client.get(partner_url("change", partner.pk)).content.decode()

    assert "Tue 24 Nov 2026" in html and "Mon 23 Nov 2026" in html
    assert "Embedded widgets" in html and "Topics" in html and "Search" in html
    assert "<td><strong>4</strong></td>" in html  # The 30-day total.


def test_partner_admin_usage_table_says_when_there_is_no_usage(admin_client, partner):
    html = admin_client.get(partner_url("change", partner.pk)).content.decode()

    assert "No requests with this partner's keys in the last 30 days." in html


# Key checks: throttled by address, looked up through a cache ---------------

MADE_UP_KEY = "Zz99Yy88." + "x" * 32


def key_queries(queries) -> list[str]:
    return [query["sql"] for query in queries if "partnerapikey" in query["sql"]]


def test_made_up_keys_get_429_by_address_before_any_lookup(
    client, db, tier_rates, django_assert_num_queries
):
    assert statuses(client, 2, "Zz99Yy88." + "a" * 32) == [401, 429]

    with django_assert_num_queries(0):
        response = keyed_get(client, TOPICS, "Qq77Ww66." + "b" * 32)

    assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0


def test_made_up_keys_from_another_address_are_still_checked(client, db, tier_rates):
    statuses(client, 2, MADE_UP_KEY)

    assert statuses(client, 1, MADE_UP_KEY, REMOTE_ADDR="192.0.2.9") == [401]


def test_malformed_keys_count_against_the_address_too(client, db, tier_rates):
    assert statuses(client, 2, "nonsense") == [401, 429]


def test_unknown_key_lookup_is_cached(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert keyed_get(client, TOPICS, MADE_UP_KEY).status_code == 401

    with django_assert_num_queries(0):
        assert keyed_get(client, TOPICS, MADE_UP_KEY).status_code == 401


def test_good_key_lookup_is_cached(client, key, published_topic):
    keyed_get(client, TOPICS, key)

    with CaptureQueriesContext(connection) as queries:
        response = keyed_get(client, TOPICS, key)

    assert response.status_code == 200
    assert key_queries(queries.captured_queries) == []


def test_good_keys_cost_no_key_check(client, key, tier_rates):
    assert statuses(client, 3, key) == [200, 200, 200]

    # The address's share of refusals (1 a minute here) is still whole.
    assert statuses(client, 2, MADE_UP_KEY) == [401, 429]


def test_key_lookup_cache_holds_no_secret(key):
    resolve_partner(RequestFactory().get(TOPICS, HTTP_X_API_KEY=key))

    cached = cache.get(lookup_cache_key(key.partition(".")[0]))
    assert cached.prefix == key.partition(".")[0]
    assert key.partition(".")[2] not in pickle.dumps(cached).decode("latin-1")


def test_revocation_takes_effect_despite_the_lookup_cache(client, partner, key):
    assert keyed_get(client, TOPICS, key).status_code == 200

    partner.revoke_keys()

    assert "revoked" in assert_problem(keyed_get(client, TOPICS, key), 401)["detail"]


def test_partner_suspension_takes_effect_despite_the_lookup_cache(client, partner, key):
    assert keyed_get(client, TOPICS, key).status_code == 200

    partner.is_active = False
    partner.save()

    assert assert_problem(keyed_get(client, TOPICS, key), 401)


def test_origin_change_takes_effect_despite_the_lookup_cache(client, partner, key):
    assert keyed_get(client, TOPICS, key, HTTP_ORIGIN=CLINIC).status_code == 200

    partner.allowed_origins = "https://other.example"
    partner.save()

    assert_problem(keyed_get(client, TOPICS, key, HTTP_ORIGIN=CLINIC), 403)


def test_key_deletion_takes_effect_despite_the_lookup_cache(client, partner, key):
    assert keyed_get(client, TOPICS, key).status_code == 200

    partner.api_keys.get().delete()

    assert_problem(keyed_get(client, TOPICS, key), 401)


def test_key_lookup_cache_is_dropped_again_when_the_change_commits(
    partner, key, django_capture_on_commit_callbacks
):
    prefix = key.partition(".")[0]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        partner.revoke_keys()
    cache.set(lookup_cache_key(prefix), "stale row read before the commit")

    for callback in callbacks:
        callback()

    assert cache.get(lookup_cache_key(prefix)) is None


def test_made_up_keys_on_widget_pages_get_429_with_retry_after(
    client, published_topic, tier_rates
):
    url = "/embed/v1/topics/heroin-rehab/faqs/?key=Zz99Yy88." + "a" * 32

    first, second = client.get(url), client.get(url)

    assert (first.status_code, second.status_code) == (401, 429)
    assert second["Content-Type"].startswith("text/html")
    assert int(second["Retry-After"]) > 0


def test_good_keys_keep_their_tier_while_the_lookup_cache_is_down(
    client, key, tier_rates, monkeypatch
):
    from django.core.cache.backends.dummy import DummyCache

    import partners.access

    # What the open Redis breaker looks like to the lookup cache: every read misses.
    monkeypatch.setattr(partners.access, "cache", DummyCache("down", {}))

    assert statuses(client, 4, key) == [200, 200, 200, 429]

"""Security headers, the Content Security Policy, and the admin login lockout."""

import datetime

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware
from django.http import HttpResponse

from api.throttling import PartnerRateThrottle, client_address
from rehabinfo.middleware import ContentSecurityPolicyMiddleware

ADMIN_LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery staple"


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(
        part.strip().split(" ", 1) for part in policy.split(";") if part.strip()
    )


@pytest.mark.parametrize("path", ["/admin/login/", "/api/v1/docs/", "/api/v1/redoc/"])
def test_html_pages_carry_a_content_security_policy(client, db, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"


def test_swagger_ui_loads_its_start_up_script_as_a_file(client, db):
    page = client.get("/api/v1/docs/")
    script = client.get("/api/v1/docs/?script=")

    assert b"<script>" not in page.content
    assert b'src="/api/v1/docs/?script="' in page.content
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_redoc_loads_no_third_party_fonts(client, db):
    response = client.get("/api/v1/redoc/")

    assert b"fonts.googleapis.com" not in response.content
    assert b"<redoc spec-url=" in response.content


def test_embed_pages_keep_their_own_frame_ancestors(client, published_faq):
    response = client.get("/embed/v1/topics/heroin-rehab/faqs/")

    assert response.status_code == 200
    assert directives(response)["frame-ancestors"] == "*"
    assert directives(response)["style-src"].startswith("'sha256-")


def test_api_responses_carry_the_hardening_headers(client, published_topic):
    response = client.get("/api/v1/topics/heroin-rehab/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert directives(response)["default-src"] == "'none'"


def test_hsts_is_sent_over_https_as_configured(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get("/healthz", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"


@pytest.fixture
def editor_account(django_user_model):
    return django_user_model.objects.create_user(
        "dana", password=PASSWORD, is_staff=True
    )


def log_in(client, password, username="dana"):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password})


def test_admin_login_works_with_the_right_password(client, editor_account):
    response = log_in(client, PASSWORD)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_admin_login_locks_out_after_repeated_failures(
    client, editor_account, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong")

    response = log_in(client, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_admin_lockout_spares_other_editors(client, editor_account, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        log_in(client, "wrong", username="someone-else")

    response = log_in(client, PASSWORD)

    assert response.status_code == 302


def test_admin_lockout_ends_after_the_cool_off(client, editor_account, settings, clock):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 429

    clock.shift(settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=1))

    assert log_in(client, PASSWORD).status_code == 302


def test_failures_below_the_limit_are_forgotten_after_a_success(
    client, editor_account, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong")
    log_in(client, PASSWORD)
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong")

    assert log_in(client, PASSWORD).status_code == 302


def test_rate_limit_ignores_a_forged_forwarded_for_header(client, db, monkeypatch):
    monkeypatch.setattr(PartnerRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})

    statuses = [
        client.get("/api/v1/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(3)
    ]

    assert statuses == [200, 200, 429]


def test_client_address_is_the_one_the_trusted_proxy_saw(rf, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    # The client forged the first entry; the load balancer appended the second.
    request = rf.get(
        "/", HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.4", REMOTE_ADDR="10.0.0.2"
    )

    assert client_address(request) == "198.51.100.4"


def own_policy(response):
    response.headers[HEADER] = "frame-ancestors https://partner.example"
    return response


def exempt(response):
    response._csp_exempt = True
    return response


def updated(response):
    response._csp_update = {"img-src": ["https://images.example"]}
    return response


@pytest.mark.parametrize("vary", [lambda r: r, own_policy, exempt, updated])
@pytest.mark.parametrize(
    "report_only", [None, {"DIRECTIVES": {"default-src": ["'self'"]}}]
)
def test_the_site_policy_built_once_is_what_django_csp_sends(
    rf, settings, vary, report_only
):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = report_only
    answers = []
    for middleware in (CSPMiddleware, ContentSecurityPolicyMiddleware):
        request = rf.get("/api/v1/topics/")
        answer = middleware(lambda request: vary(HttpResponse("{}")))(request)
        answers.append(
            {name: answer.get(name) for name in (HEADER, HEADER_REPORT_ONLY)}
        )

    assert answers[1] == answers[0]


def test_a_changed_policy_setting_is_sent_at_once(rf, settings):
    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("{}"))
    middleware(rf.get("/"))

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"]}}

    assert middleware(rf.get("/"))[HEADER] == "default-src 'self'"

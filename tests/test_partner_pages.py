"""Partner self-service (/partners/): sign in, usage, origins, keys, rotation,
and staff creating partner logins in the admin."""

import pytest
from django.contrib.auth.models import User

from partners.access import record_usage
from partners.models import Partner, PartnerUser

PASSWORD = "a long partner passphrase"
DASHBOARD = "/partners/"
SIGN_IN = "/partners/sign-in/"


@pytest.fixture
def partner_login(partner):
    """Sam, who signs in for the partner "Clinic Finder"."""
    user = User.objects.create_user("sam", password=PASSWORD)
    PartnerUser.objects.create(user=user, partner=partner)
    return user


@pytest.fixture
def partner_key(partner):
    return partner.issue_key("website")


@pytest.fixture
def other_partner(db):
    return Partner.objects.create(
        name="Elsewhere Health", contact_email="it@elsewhere.example"
    )


def sign_in(client, username="sam", password=PASSWORD):
    return client.post(SIGN_IN, {"username": username, "password": password})


def test_partner_signs_in_and_lands_on_its_page(client, partner_login):
    response = sign_in(client)

    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_partner_page_shows_daily_usage_per_endpoint_family(
    client, partner, partner_login
):
    for _ in range(3):
        record_usage(partner, "embed")
    record_usage(partner, "search")
    client.force_login(partner_login)

    response = client.get(DASHBOARD)

    html = response.content.decode()
    assert '<th scope="col">Embedded widgets</th>' in html
    assert '<th scope="col">Search</th>' in html
    assert "<td>3</td>" in html
    assert "<td><strong>4</strong></td>" in html


def test_partner_page_shows_allowed_origins_and_key_prefixes(
    client, partner, partner_login, partner_key
):
    api_key, key = partner_key
    client.force_login(partner_login)

    html = client.get(DASHBOARD).content.decode()

    assert "<code>https://clinic.example</code>" in html
    assert f"<code>{api_key.prefix}…</code>" in html
    assert key not in html


def test_partner_page_never_shows_another_partner(client, partner_login, other_partner):
    other_key, _ = other_partner.issue_key("theirs")
    record_usage(other_partner, "faqs")
    client.force_login(partner_login)

    html = client.get(DASHBOARD).content.decode()

    assert other_key.prefix not in html
    assert "FAQs" not in html
    assert "No requests with this partner's keys" in html


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{SIGN_IN}?next=")


def test_account_without_a_partner_is_refused(client, django_user_model):
    staff = django_user_model.objects.create_user("edith", is_staff=True)
    client.force_login(staff)

    response = client.get(DASHBOARD)

    assert response.status_code == 403
    assert "not linked to a partner" in response.content.decode()


def test_partner_login_cannot_reach_the_admin(client, partner_login):
    client.force_login(partner_login)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_partner_sign_in_locks_out_after_repeated_failures(
    client, partner_login, settings
):
    assert sign_in(client, password="wrong").status_code == 200  # form again
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, password="wrong")

    response = sign_in(client)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_partner_pages_have_the_site_security_headers(client, partner_login):
    client.force_login(partner_login)

    response = client.get(DASHBOARD)

    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


def test_rotating_a_key_asks_first(client, partner_login, partner_key):
    api_key, _ = partner_key
    client.force_login(partner_login)

    response = client.get(f"/partners/keys/{api_key.prefix}/rotate/")

    assert response.status_code == 200
    assert "stops working at once" in response.content.decode()
    api_key.refresh_from_db()
    assert not api_key.revoked


def test_rotating_a_key_shows_the_new_key_once_and_revokes_the_old(
    client, partner, partner_login, partner_key
):
    old, old_key = partner_key
    client.force_login(partner_login)

    response = client.post(f"/partners/keys/{old.prefix}/rotate/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new = partner.api_keys.get(revoked=False)
    key = response.context["key"]
    assert key.startswith(new.prefix) and key in response.content.decode()
    old.refresh_from_db()
    assert old.revoked
    # The new key works on the API, the old one no longer does.
    assert client.get("/api/v1/", HTTP_X_API_KEY=key).status_code == 200
    assert client.get("/api/v1/", HTTP_X_API_KEY=old_key).status_code == 401
    # Shown once: the page after it lists only the prefix.
    assert key not in client.get(DASHBOARD).content.decode()


def test_partner_cannot_rotate_another_partners_key(
    client, partner_login, other_partner
):
    theirs, _ = other_partner.issue_key("theirs")
    client.force_login(partner_login)

    response = client.post(f"/partners/keys/{theirs.prefix}/rotate/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert not theirs.revoked


def test_rotating_needs_the_csrf_token(partner_login, partner_key):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(partner_login)
    api_key, _ = partner_key

    response = client.post(f"/partners/keys/{api_key.prefix}/rotate/")

    assert response.status_code == 403
    api_key.refresh_from_db()
    assert not api_key.revoked


def test_partner_changes_its_password(client, partner_login):
    client.force_login(partner_login)

    response = client.post(
        "/partners/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )

    assert response.status_code == 302
    partner_login.refresh_from_db()
    assert partner_login.check_password("another long passphrase")


def test_staff_creates_a_partner_login_in_the_admin(admin_client, client, partner):
    response = admin_client.post(
        "/admin/partners/partneruser/add/",
        {
            "partner": partner.pk,
            "username": "kim",
            "email": "kim@clinic.example",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    login = PartnerUser.objects.get(user__username="kim")
    assert login.partner == partner
    assert not login.user.is_staff
    assert sign_in(client, "kim").status_code == 302
    assert client.get(DASHBOARD).status_code == 200


def test_partner_login_form_refuses_a_weak_or_taken_username_and_password(
    admin_client, partner, partner_login
):
    response = admin_client.post(
        "/admin/partners/partneruser/add/",
        {
            "partner": partner.pk,
            "username": "sam",
            "password1": "123",
            "password2": "1",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "username" in errors and "password2" in errors
    assert PartnerUser.objects.count() == 1


def test_partner_admin_links_to_adding_a_login_for_it(
    admin_client, partner, partner_login
):
    html = admin_client.get(
        f"/admin/partners/partner/{partner.pk}/change/"
    ).content.decode()

    assert f'href="/admin/partners/partneruser/add/?partner={partner.pk}"' in html
    assert ">sam</a>" in html


def test_deleting_a_partner_login_deletes_its_account(admin_client, partner_login):
    login = partner_login.partner_login

    admin_client.post(
        f"/admin/partners/partneruser/{login.pk}/delete/", {"post": "yes"}
    )

    assert not User.objects.filter(username="sam").exists()
    assert not PartnerUser.objects.exists()

"""The admin's second factor, end to end through the real admin URLs.

Staff who can publish or review medical content, and superusers, enrol an
authenticator app and then sign in with a password and a code (or a
single-use recovery code); wrong codes lock the account out like wrong
passwords. Plain editors, and everyone under DEBUG by default, use a password.
"""

import datetime
import io
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff import mfa
from tests.processes import run_manage
from tests.test_settings import PRODUCTION_ENV

PASSWORD = "correct horse battery staple"
LOGIN = "/admin/login/?next=/admin/"
SECOND_FACTOR = "/admin/second-factor/"
ENROL = "/admin/second-factor/enrol/"


@pytest.fixture(autouse=True)
def mfa_required(settings):
    """Production behaviour; tests of the DEBUG default turn it off again."""
    settings.ADMIN_MFA_REQUIRED = True


def staff_member(django_user_model, username: str, group: str | None = None, **kw):
    user = django_user_model.objects.create_user(
        username, password=PASSWORD, is_staff=True, **kw
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def publisher(django_user_model):
    return staff_member(django_user_model, "pat", "Publishers")


@pytest.fixture
def plain_editor(django_user_model):
    return staff_member(django_user_model, "eddie", "Editors")


@pytest.fixture
def superuser(django_user_model):
    return staff_member(django_user_model, "root", is_superuser=True)


def enrolled(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    mfa.issue_recovery_codes(user)
    return device


@pytest.fixture
def enrolled_publisher(publisher):
    return publisher, enrolled(publisher)


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    """The code the authenticator app shows now (``drift`` steps away)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A code the device refuses: not one it accepts now, a step either side."""
    accepted = {code_for(device, drift) for drift in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222") if code not in accepted)


def recovery_codes(user) -> list[str]:
    return list(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    )


def give_password(client, user):
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD})


def give_code(client, code: str, next_url: str = "/admin/"):
    return client.post(SECOND_FACTOR, {"code": code, "next": next_url})


def signed_in_fully(client, user, device: TOTPDevice):
    give_password(client, user)
    assert give_code(client, code_for(device)).status_code == 302
    return client


@pytest.mark.parametrize("role", ["Publishers", "Medical reviewers", None])
def test_second_factor_enrolment_is_required_for_publishing_rights(
    client, django_user_model, role
):
    user = staff_member(django_user_model, "dana", role, is_superuser=role is None)

    give_password(client, user)
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == ENROL + "?next=%2Fadmin%2F"
    assert response.status_code == 200
    qr_code = rb'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"'
    assert re.search(qr_code, response.content)
    assert not TOTPDevice.objects.get(user=user).confirmed


def test_second_factor_enrolment_shows_the_secret_as_text(client, publisher):
    give_password(client, publisher)

    response = client.get(ENROL)

    device = TOTPDevice.objects.get(user=publisher, confirmed=False)
    assert response.status_code == 200
    secret = re.search(rb'<code id="secret">([A-Z2-7 ]+)</code>', response.content)
    assert secret.group(1).decode().replace(" ", "") == mfa.secret_text(device).replace(
        " ", ""
    )
    assert client.get(ENROL).context["secret"] == mfa.secret_text(device)


def test_second_factor_enrolment_confirms_with_a_code_and_shows_recovery_codes_once(
    client, publisher
):
    give_password(client, publisher)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=publisher)

    response = client.post(ENROL, {"code": code_for(device), "next": "/admin/"})

    assert response.status_code == 200
    shown = re.findall(rb"<li><code>([a-z2-7]{8})</code></li>", response.content)
    assert sorted(code.decode() for code in shown) == sorted(recovery_codes(publisher))
    assert len(shown) == mfa.RECOVERY_CODE_COUNT
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    again = client.get(ENROL)
    assert again.status_code == 302
    assert b"<code>" not in client.get(again.url).content


def test_second_factor_enrolment_replaces_earlier_recovery_codes(client, publisher):
    earlier = mfa.issue_recovery_codes(publisher)
    give_password(client, publisher)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=publisher)

    client.post(ENROL, {"code": code_for(device)})

    assert len(recovery_codes(publisher)) == mfa.RECOVERY_CODE_COUNT
    assert set(recovery_codes(publisher)).isdisjoint(earlier)


def test_second_factor_enrolment_refuses_a_wrong_code(client, publisher):
    give_password(client, publisher)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=publisher)

    response = client.post(ENROL, {"code": wrong_code_for(device)})

    assert response.status_code == 200
    assert b"That code is not valid." in response.content
    device.refresh_from_db()
    assert not device.confirmed
    assert recovery_codes(publisher) == []
    assert client.get("/admin/").status_code == 302


def test_second_factor_sign_in_asks_for_a_code_after_the_password(
    client, enrolled_publisher
):
    user, device = enrolled_publisher

    response = give_password(client, user)
    response = client.get(response.url, follow=True)

    assert response.redirect_chain[-1][0] == SECOND_FACTOR + "?next=%2Fadmin%2F"
    assert b'name="code"' in response.content


def test_second_factor_sign_in_with_an_app_code_opens_the_admin(
    client, enrolled_publisher
):
    user, device = enrolled_publisher
    give_password(client, user)

    response = give_code(client, code_for(device), next_url="/admin/content/topic/")

    assert response.status_code == 302
    assert response.url == "/admin/content/topic/"
    assert client.get("/admin/content/topic/").status_code == 200


def test_second_factor_sign_in_changes_the_session_key(client, enrolled_publisher):
    user, device = enrolled_publisher
    give_password(client, user)
    after_password = client.session.session_key

    give_code(client, code_for(device))

    assert client.session.session_key != after_password
    assert client.get("/admin/").status_code == 200


def test_second_factor_sign_in_refuses_a_wrong_code(client, enrolled_publisher):
    user, device = enrolled_publisher
    give_password(client, user)

    response = give_code(client, wrong_code_for(device))

    assert response.status_code == 200
    assert b"That code is not valid." in response.content
    assert client.get("/admin/content/topic/").status_code == 302


def test_second_factor_recovery_code_works_once(client, enrolled_publisher):
    user, _ = enrolled_publisher
    code, *others = recovery_codes(user)
    give_password(client, user)

    assert give_code(client, code).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")
    give_password(client, user)
    reused = give_code(client, code)

    assert reused.status_code == 200
    assert b"That code is not valid." in reused.content
    assert sorted(recovery_codes(user)) == sorted(others)


def test_second_factor_recovery_code_from_the_server_signs_in(client, superuser):
    enrolled(superuser)
    out = io.StringIO()
    call_command("addstatictoken", superuser.username, stdout=out)
    give_password(client, superuser)

    response = give_code(client, out.getvalue().strip())

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_second_factor_wrong_codes_lock_out_like_wrong_passwords(
    client, enrolled_publisher, settings
):
    user, device = enrolled_publisher
    give_password(client, user)

    statuses = [
        give_code(client, wrong_code_for(device)).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert "_auth_user_id" not in client.session
    assert give_password(client, user).status_code == 429


def test_second_factor_lockout_refuses_the_right_code_in_another_session(
    enrolled_publisher, settings, clock
):
    user, device = enrolled_publisher
    attacker, owner = Client(), Client()
    give_password(owner, user)
    give_password(attacker, user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        give_code(attacker, wrong_code_for(device))
    # Past the device's own slow-down, still within the lockout.
    clock.shift(datetime.timedelta(minutes=1))

    response = give_code(owner, code_for(device))

    assert response.status_code == 429
    assert owner.get("/admin/").status_code == 302


def test_second_factor_wrong_codes_are_recorded_masked(client, enrolled_publisher):
    user, _ = enrolled_publisher
    # "1" is not in the codes' base32 alphabet, so this code is always wrong.
    almost = recovery_codes(user)[0][:-1] + "1"
    give_password(client, user)

    give_code(client, almost)

    attempt = AccessAttempt.objects.get(username=user.username)
    assert attempt.failures_since_start == 1
    assert almost not in attempt.post_data
    assert "code=" in attempt.post_data


def test_second_factor_device_refuses_the_right_code_just_after_a_wrong_one(
    client, enrolled_publisher, clock
):
    user, device = enrolled_publisher
    give_password(client, user)
    give_code(client, wrong_code_for(device))

    throttled = give_code(client, code_for(device))
    clock.shift(datetime.timedelta(seconds=2))
    accepted = give_code(client, code_for(device))

    assert b"Too many wrong codes in a row" in throttled.content
    assert accepted.status_code == 302


def test_second_factor_session_reaches_no_admin_page_before_the_code(
    client, enrolled_publisher
):
    user, _ = enrolled_publisher
    give_password(client, user)

    response = client.get("/admin/content/topic/", follow=True)

    assert response.redirect_chain[-1][0] == (
        SECOND_FACTOR + "?next=%2Fadmin%2Fcontent%2Ftopic%2F"
    )


def test_second_factor_sign_out_ends_the_half_signed_in_session(
    client, enrolled_publisher
):
    user, _ = enrolled_publisher
    give_password(client, user)

    response = client.post("/admin/second-factor/sign-out/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_second_factor_ignores_a_next_url_on_another_site(client, enrolled_publisher):
    user, device = enrolled_publisher
    give_password(client, user)

    response = give_code(client, code_for(device), next_url="https://evil.example/")

    assert response.url == "/admin/"


def test_second_factor_is_not_asked_of_plain_editors(client, plain_editor):
    give_password(client, plain_editor)

    assert client.get("/admin/").status_code == 200
    assert client.get(SECOND_FACTOR).status_code == 302
    assert not TOTPDevice.objects.filter(user=plain_editor).exists()


def test_second_factor_is_not_asked_when_not_required(client, superuser, settings):
    settings.ADMIN_MFA_REQUIRED = False
    give_password(client, superuser)

    assert client.get("/admin/").status_code == 200
    assert client.get(ENROL).status_code == 302


def test_second_factor_reset_by_a_superuser_sends_the_user_to_enrol_again(
    superuser, enrolled_publisher
):
    user, device = enrolled_publisher
    admin = signed_in_fully(Client(), superuser, enrolled(superuser))

    deleted = admin.post(
        f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}
    )
    publisher = Client()
    give_password(publisher, user)

    assert deleted.status_code == 302
    assert publisher.get("/admin/", follow=True).redirect_chain[-1][0].startswith(ENROL)


def test_second_factor_device_secret_is_hidden_in_the_admin(
    client, superuser, enrolled_publisher
):
    _, device = enrolled_publisher
    signed_in_fully(client, superuser, enrolled(superuser))

    response = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")

    assert response.status_code == 200
    assert device.key.encode() not in response.content


@pytest.mark.parametrize(
    ("env", "required"),
    [
        ({}, "False"),
        (PRODUCTION_ENV, "True"),
        ({**PRODUCTION_ENV, "ADMIN_MFA_REQUIRED": "0"}, "False"),
        ({"ADMIN_MFA_REQUIRED": "1"}, "True"),
    ],
)
def test_second_factor_setting_is_off_under_debug_unless_asked_for(env, required):
    code = "from django.conf import settings; print(settings.ADMIN_MFA_REQUIRED)"

    result = run_manage("shell", "--no-imports", "-c", code, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [required]

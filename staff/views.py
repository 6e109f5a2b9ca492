"""The second step of an admin sign-in: enrol an authenticator, or give a code.

Both pages are reached only by a staff member who has given the right
password and owes a second factor (``mfa.second_factor_pending``); everyone
else is sent on. Wrong codes count toward the same django-axes lockout as
wrong passwords: once locked out, the half-signed-in session ends.
"""

from functools import partial

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache

from staff import mfa
from staff.forms import CodeForm


def next_param(request) -> str:
    return request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(
        REDIRECT_FIELD_NAME, ""
    )


def onward_url(request) -> str:
    """Where the sign-in was headed (``next``), if it is on this site."""
    url = next_param(request)
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def with_next(request, url_name: str) -> str:
    """The URL of a sign-in step that carries on to the same ``next``."""
    url = reverse(url_name)
    onward = next_param(request)
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: onward})}" if onward else url


def lockout_response(request):
    """django-axes' 429 if this username and address are locked out, else None."""
    credentials = {"username": request.user.get_username()}
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    logout(request)
    return get_lockout_response(request, credentials=credentials)


def count_wrong_code(request):
    """Count a wrong code as a failed sign-in; the lockout response once locked out."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": request.user.get_username()},
        request=request,
    )
    return lockout_response(request)


def complete_sign_in(request, device) -> None:
    """Mark the session verified by ``device``, under a new session key.

    A new key, as at the password step: the session has just gained access.
    """
    request.session.cycle_key()
    django_otp.login(request, device)


def page(request, template: str, title: str, **context):
    return TemplateResponse(
        request,
        template,
        {
            **admin.site.each_context(request),
            "title": title,
            "next": next_param(request),
            **context,
        },
    )


@never_cache
def verify(request):
    if not mfa.second_factor_pending(request.user):
        return redirect(onward_url(request))
    if mfa.authenticator_of(request.user) is None:
        return redirect(with_next(request, "admin:second_factor_enrol"))
    form = CodeForm(
        request.user,
        partial(mfa.device_for_code, request.user),
        data=request.POST if request.method == "POST" else None,
    )
    if request.method == "POST":
        if locked_out := lockout_response(request):
            return locked_out
        if form.is_valid():
            complete_sign_in(request, form.device)
            return redirect(onward_url(request))
        if locked_out := count_wrong_code(request):
            return locked_out
    return page(request, "staff/verify.html", "Second factor", form=form)


@never_cache
def enrol(request):
    if not mfa.second_factor_pending(request.user):
        return redirect(onward_url(request))
    if mfa.authenticator_of(request.user) is not None:
        return redirect(with_next(request, "admin:second_factor"))
    device = mfa.unconfirmed_authenticator(request.user)
    form = CodeForm(
        request.user,
        lambda code: device,
        data=request.POST if request.method == "POST" else None,
    )
    if request.method == "POST":
        if locked_out := lockout_response(request):
            return locked_out
        if form.is_valid():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            complete_sign_in(request, device)
            # Shown in this response only: nothing can display them again.
            return page(
                request,
                "staff/recovery_codes.html",
                "Your recovery codes",
                codes=mfa.issue_recovery_codes(request.user),
                onward=onward_url(request),
            )
        if locked_out := count_wrong_code(request):
            return locked_out
    return page(
        request,
        "staff/enrol.html",
        "Set up a second factor",
        form=form,
        qr_code=mfa.qr_code_data_uri(device),
        secret=mfa.secret_text(device),
    )

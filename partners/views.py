"""The partner pages: sign in, see usage, origins and keys, rotate a key.

Only a user linked to a partner (``PartnerUser``) gets past sign-in; staff
accounts without that link are refused. Sign-in is Django's own view, so
django-axes locks out repeated failures as it does for the admin, and the
pages live under the site-wide Content Security Policy (no script at all).
"""

import functools

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from partners.models import KEY_NAME_LENGTH, PartnerAPIKey


def partner_required(view):
    """Signed in (else to the sign-in page) as a partner's login (else a 403)."""

    @functools.wraps(view)
    @login_required(login_url=reverse_lazy("partners:login"))
    @never_cache
    def wrapper(request, *args, **kwargs):
        link = getattr(request.user, "partner_login", None)
        if link is None:
            return render(request, "partners/not_a_partner.html", status=403)
        request.partner = link.partner
        return view(request, *args, **kwargs)

    return wrapper


class SignInView(auth_views.LoginView):
    template_name = "partners/sign_in.html"
    redirect_authenticated_user = True
    next_page = reverse_lazy("partners:dashboard")


class SignOutView(auth_views.LogoutView):
    next_page = reverse_lazy("partners:login")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "partners/password_change.html"
    success_url = reverse_lazy("partners:dashboard")


@require_safe
@partner_required
def dashboard(request):
    partner = request.partner
    return render(
        request,
        "partners/dashboard.html",
        {
            "partner": partner,
            "usage": partner.usage_by_day(),
            "origins": partner.allowed_origin_list,
            "keys": partner.api_keys.order_by("revoked", "-created"),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@partner_required
def rotate_key(request, prefix):
    """GET asks to confirm; POST issues a new key, shows it once, revokes the old."""
    old = get_object_or_404(
        PartnerAPIKey, partner=request.partner, prefix=prefix, revoked=False
    )
    if request.method != "POST":
        return render(request, "partners/rotate_key.html", {"old": old})
    label = f"Rotated from {old.prefix} by {request.user.get_username()}"
    label = f"{label} on {timezone.now():%Y-%m-%d}"
    with transaction.atomic():
        new, key = request.partner.issue_key(label[:KEY_NAME_LENGTH])
        old.revoked = True
        old.save(update_fields=["revoked"])
    response = render(
        request, "partners/key_rotated.html", {"old": old, "new": new, "key": key}
    )
    # The key itself is on this page only: no cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response

from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.shortcuts import redirect
from django.urls import path

from staff import mfa, views


class StaffAdminSite(admin.AdminSite):
    """The admin, closed to a session that still owes its second factor.

    Such a session reaches only the second-factor pages and a way to sign out;
    every other admin URL sends it to them.
    """

    def has_permission(self, request):
        return super().has_permission(request) and not mfa.second_factor_pending(
            request.user
        )

    def login(self, request, extra_context=None):
        # After a correct password, the page asked for bounces here, then on.
        if request.method == "GET" and mfa.second_factor_pending(request.user):
            return redirect(views.with_next(request, "admin:second_factor"))
        return super().login(request, extra_context)

    def get_urls(self):
        return [
            path("second-factor/", views.verify, name="second_factor"),
            path("second-factor/enrol/", views.enrol, name="second_factor_enrol"),
            # The admin's own logout needs full access, which is still owed.
            path(
                "second-factor/sign-out/",
                LogoutView.as_view(next_page="admin:login"),
                name="second_factor_sign_out",
            ),
            *super().get_urls(),
        ]

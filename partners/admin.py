"""Partner logins in the admin: staff create one for a partner in one form.

"Add partner login" asks for the partner, a username and a first password,
and makes a user account that is not staff (it never reaches the admin)
linked to the partner. The partner signs in at /partners/.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from partners.forms import PartnerLoginCreationForm
from partners.models import PartnerUser


@admin.register(PartnerUser)
class PartnerUserAdmin(admin.ModelAdmin):
    list_display = ["username", "partner", "email", "last_login", "created_at"]
    list_filter = ["partner"]
    list_select_related = ["user", "partner"]
    search_fields = ["user__username", "user__email", "partner__name"]
    readonly_fields = ["account", "created_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = PartnerLoginCreationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": ["partner", "username", "email"],
                        "description": "The partner signs in at /partners/ to see "
                        "its usage, allowed origins and keys, and to rotate a key. "
                        "A partner login never reaches the admin.",
                    },
                ),
                (
                    "First password",
                    {
                        "fields": ["password1", "password2"],
                        "description": "Send it to the partner safely; they can "
                        "change it after signing in.",
                    },
                ),
            ]
        return [(None, {"fields": ["partner", "account", "created_at"]})]

    def has_add_permission(self, request):
        # A login is a user account: adding one needs that right too.
        return super().has_add_permission(request) and request.user.has_perm(
            "auth.add_user"
        )

    @admin.display(description="Username", ordering="user__username")
    def username(self, obj):
        return obj.user.get_username()

    @admin.display(description="Email", ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description="Last sign-in", ordering="user__last_login")
    def last_login(self, obj):
        return obj.user.last_login

    @admin.display(description="Account")
    def account(self, obj):
        url = reverse("admin:auth_user_password_change", args=[obj.user.pk])
        return format_html(
            '{} · <a href="{}">Set a new password</a> (deleting this login '
            "deletes the account too)",
            obj.user.get_username(),
            url,
        )

    def delete_model(self, request, obj):
        obj.user.delete()  # The account exists only for this login.

    def delete_queryset(self, request, queryset):
        for login in queryset.select_related("user"):
            login.user.delete()

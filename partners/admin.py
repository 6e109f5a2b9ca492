"""Partners in the admin: their keys (issued, rotated, revoked), usage and logins.

A key is shown once, in the message after it is issued: only its prefix and a
hash are stored, so nobody can look it up later.

"Add partner login" asks for the partner, a username and a first password,
and makes a user account that is not staff (it never reaches the admin)
linked to the partner. The partner signs in at /partners/.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, Prefetch, Q
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey
from simple_history.admin import SimpleHistoryAdmin

from partners.forms import PartnerLoginCreationForm
from partners.models import (
    KEY_NAME_LENGTH,
    USAGE_DAYS,
    Partner,
    PartnerAPIKey,
    PartnerUser,
)

# The library's own key model is unused: partners' keys are PartnerAPIKey.
admin.site.unregister(APIKey)


def rate_tier_help() -> str:
    rates = ", ".join(
        f"{label}: {settings.PARTNER_RATE_TIERS.get(value) or 'no limit'}"
        for value, label in Partner._meta.get_field("rate_tier").choices
    )
    return f"How many requests the partner's keys may make together ({rates})."


class PartnerAPIKeyInline(admin.TabularInline):
    model = PartnerAPIKey
    fields = ["prefix", "name", "created", "expiry_date", "revoked"]
    readonly_fields = ["prefix", "created"]
    extra = 0
    can_delete = False
    verbose_name_plural = (
        "API keys: issue, rotate or revoke them with the actions of the partner "
        "list; tick “Revoked” to stop one key for good"
    )

    def has_add_permission(self, request, obj=None):
        return False  # Issued by an action, so the key can be shown once.


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "contact_email",
        "rate_tier",
        "is_active",
        "usable_keys",
        "updated_at",
    ]
    list_filter = ["rate_tier", "is_active"]
    search_fields = ["name", "contact_name", "contact_email", "api_keys__prefix"]
    readonly_fields = ["usage_table", "partner_logins", "created_at", "updated_at"]
    inlines = [PartnerAPIKeyInline]
    actions = ["issue_key", "rotate_keys", "revoke_keys"]
    history_list_display = ["rate_tier", "is_active"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                None,
                {
                    "fields": [
                        "name",
                        "contact_name",
                        "contact_email",
                        "is_active",
                        "notes",
                    ]
                },
            ),
            ("Access", {"fields": ["rate_tier", "allowed_origins"]}),
        ]
        if obj is not None:
            fieldsets += [
                ("Partner logins", {"fields": ["partner_logins"]}),
                (f"Usage, last {USAGE_DAYS} days", {"fields": ["usage_table"]}),
                ("Dates", {"fields": ["created_at", "updated_at"]}),
            ]
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.base_fields["rate_tier"].help_text = rate_tier_help()
        return form

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                usable_key_count=Count("api_keys", filter=Q(api_keys__revoked=False))
            )
        )

    @admin.display(description="Usable keys", ordering="usable_key_count")
    def usable_keys(self, obj):
        return obj.usable_key_count

    @admin.display(description="Who signs in at /partners/")
    def partner_logins(self, obj):
        """The partner's logins, and a link that adds one for this partner."""
        logins = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            (
                (
                    reverse("admin:partners_partneruser_change", args=[login.pk]),
                    login.user.get_username(),
                )
                for login in obj.logins.select_related("user")
            ),
        )
        add_url = reverse("admin:partners_partneruser_add") + f"?partner={obj.pk}"
        return format_html(
            '<ul>{}</ul><a class="addlink" href="{}">Add a login for this partner</a>'
            " (they see their usage, origins and keys, and can rotate a key)",
            logins or mark_safe("<li>None yet.</li>"),
            add_url,
        )

    @admin.display(description="Requests per day")
    def usage_table(self, obj):
        return render_to_string("partners/usage_table.html", obj.usage_by_day())

    def show_new_key(self, request, partner: Partner, key: str) -> None:
        self.message_user(
            request,
            f"New API key for {partner}: {key} — copy it now and send it to the "
            "partner safely. It is shown only this once and cannot be looked up "
            "again.",
            messages.WARNING,
        )

    def issue_new_key(self, request, partner: Partner) -> None:
        label = f"Issued {timezone.now():%Y-%m-%d} by {request.user.get_username()}"
        api_key, key = partner.issue_key(label[:KEY_NAME_LENGTH])
        self.log_change(request, partner, f"Issued API key {api_key.prefix}…")
        self.show_new_key(request, partner, key)

    def revoke_all(self, request, partner: Partner) -> list[PartnerAPIKey]:
        revoked = partner.revoke_keys()
        if revoked:
            prefixes = ", ".join(f"{api_key.prefix}…" for api_key in revoked)
            self.log_change(request, partner, f"Revoked API keys {prefixes}")
        return revoked

    def confirm(self, request, queryset, action: str, title: str, consequence: str):
        """The page asking to confirm an action that stops keys working."""
        partners = queryset.prefetch_related(
            Prefetch(
                "api_keys",
                PartnerAPIKey.objects.filter(revoked=False),
                to_attr="usable_api_keys",
            )
        )
        return TemplateResponse(
            request,
            "admin/partners/partner/confirm_key_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "consequence": consequence,
                "partners": partners,
                "action": action,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description="Issue a new key (existing keys keep working)")
    def issue_key(self, request, queryset):
        for partner in queryset:
            self.issue_new_key(request, partner)

    @admin.action(description="Rotate keys (issue a new key, revoke the old ones)")
    def rotate_keys(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            return self.confirm(
                request,
                queryset,
                "rotate_keys",
                "Rotate the keys of these partners?",
                "Each partner gets a new key, shown once on the next page. Their "
                "current keys stop working at once: the partner must switch to "
                "the new key straight away.",
            )
        for partner in queryset:
            revoked = self.revoke_all(request, partner)
            self.issue_new_key(request, partner)
            self.message_user(
                request, f"{partner}: {len(revoked)} old key(s) revoked.", messages.INFO
            )

    @admin.action(description="Revoke all keys")
    def revoke_keys(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            return self.confirm(
                request,
                queryset,
                "revoke_keys",
                "Revoke every key of these partners?",
                "Their keys stop working at once and for good (requests with them "
                "get 401). Issue a new key later if the partner needs access again.",
            )
        for partner in queryset:
            revoked = self.revoke_all(request, partner)
            self.message_user(
                request, f"{partner}: {len(revoked)} key(s) revoked.", messages.SUCCESS
            )


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(APIKeyModelAdmin, SimpleHistoryAdmin):
    """All partners' keys, to find whose key a prefix is."""

    list_display = ["prefix", "partner", "name", "created", "expiry_date", "revoked"]
    list_filter = ["revoked", "created"]
    list_select_related = ["partner"]
    search_fields = ["prefix", "name", "partner__name"]

    def has_add_permission(self, request):
        return False  # Issued from the partner list, so the key is shown once.

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "partner"]


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

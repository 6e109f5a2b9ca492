"""Webhooks in the admin: endpoints (secret shown once, rotation, re-enabling)
and the delivery log (read-only, with redelivery).

Like partners, webhooks are an operator's business: staff need the
``webhooks`` model permissions (superusers have them); no editorial role
grants them.
"""

import json
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from webhooks.models import (
    FAILURES_BEFORE_DISABLING,
    Delivery,
    Endpoint,
    EventType,
)
from webhooks.sending import queue_sending


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        # The admin's own width for URLs (a declared field loses it).
        widget=forms.URLInput(attrs={"class": "vURLField"}),
        help_text=Endpoint._meta.get_field("url").help_text,
    )
    events = forms.MultipleChoiceField(
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=EventType.values,
        help_text="What this endpoint is sent. A mirror of the content needs all "
        "four: withdrawals tell it what to remove.",
    )

    class Meta:
        model = Endpoint
        fields = ["description", "url", "events", "is_active"]


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    # "State" says "Switched off" for an inactive endpoint: no column of its own,
    # so the list fits beside its filter at 1400 px.
    list_display = ["description", "url", "state", "waiting", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["description", "url"]
    actions = ["rotate_secret", "enable"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": ["description", "url", "events", "is_active"]})]
        if obj is not None:
            fieldsets += [
                (
                    "Secret and state",
                    {
                        "fields": [
                            "secret_note",
                            "state",
                            "delivery_log",
                            "created_at",
                            "updated_at",
                        ]
                    },
                )
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return ["secret_note", "state", "delivery_log", "created_at", "updated_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                pending_count=Count(
                    "deliveries", filter=Q(deliveries__status=Delivery.Status.PENDING)
                )
            )
        )

    def changelist_view(self, request, extra_context=None):
        # The notice stays until someone re-enables the endpoint; only on GET,
        # so an action's answer page does not repeat what it just fixed.
        disabled = Endpoint.objects.filter(disabled_at__isnull=False)
        for endpoint in disabled if request.method == "GET" else []:
            self.message_user(
                request,
                f"{endpoint} was disabled on {endpoint.disabled_at:%Y-%m-%d %H:%M} "
                f"UTC after {endpoint.consecutive_failures} failed attempts in a "
                "row. Once the receiver works again, select it and choose "
                "“Re-enable”: what it missed is sent, in order.",
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    @admin.display(description="Waiting", ordering="pending_count")
    def waiting(self, obj):
        return obj.pending_count

    @admin.display(description="State")
    def state(self, obj):
        if obj.disabled_at:
            return (
                f"Disabled automatically on {obj.disabled_at:%Y-%m-%d %H:%M} UTC "
                f"after {obj.consecutive_failures} failed attempts in a row"
            )
        if not obj.is_active:
            return "Switched off"
        if obj.consecutive_failures:
            return (
                f"Failing: {obj.consecutive_failures} failed attempt(s) in a row; "
                f"disabled at {FAILURES_BEFORE_DISABLING}"
            )
        return "Working"

    @admin.display(description="Secret")
    def secret_note(self, obj):
        when = obj.secret_rotated_at or obj.created_at
        return (
            f"Set on {when:%Y-%m-%d %H:%M} UTC. It was shown once, when it was "
            "made, and cannot be shown again; if it is lost, use the action "
            "“Rotate secret” on the endpoint list."
        ) + (
            f" The previous secret also signs deliveries until "
            f"{obj.previous_secret_valid_until:%Y-%m-%d %H:%M} UTC."
            if len(obj.signing_secrets()) > 1
            else ""
        )

    @admin.display(description="Deliveries")
    def delivery_log(self, obj):
        url = reverse("admin:webhooks_delivery_changelist")
        url += f"?endpoint__id__exact={obj.pk}"
        return format_html('<a href="{}">Delivery log of this endpoint</a>', url)

    def show_secret(self, request, endpoint: Endpoint) -> None:
        self.message_user(
            request,
            f"Signing secret for {endpoint}: {endpoint.secret} — copy it now and "
            "give it to the receiver's owner safely. It is shown only this once "
            "and cannot be looked up again.",
            messages.WARNING,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            self.show_secret(request, obj)
        elif obj.is_active and "is_active" in form.changed_data:
            # Ticking "active" again is re-enabling, as the action does.
            obj.enable()
            transaction.on_commit(partial(queue_sending, obj.pk))

    @admin.action(
        description="Rotate secret (the old one keeps working for a day)",
        permissions=["change"],
    )
    def rotate_secret(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "admin/webhooks/confirm_rotate_secret.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Rotate the secrets of these endpoints?",
                    "endpoints": queryset,
                    "opts": self.model._meta,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for endpoint in queryset:
            endpoint.rotate_secret()
            self.log_change(request, endpoint, "Rotated the signing secret")
            self.show_secret(request, endpoint)

    @admin.action(
        description="Re-enable (send what they missed, in order)",
        permissions=["change"],
    )
    def enable(self, request, queryset):
        for endpoint in queryset:
            requeued = endpoint.enable()
            queue_sending(endpoint.pk)
            self.log_change(request, endpoint, "Re-enabled")
            self.message_user(
                request,
                f"{endpoint} is active again; {requeued} delivery(ies) that had "
                "been given up are sent again, before newer ones.",
                messages.SUCCESS,
            )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log: what was sent where, and how it went."""

    list_display = [
        "created_at",
        "event_type",
        "item",
        "endpoint",
        "status",
        "attempts",
        "last_response_status",
        "next_attempt_at",
    ]
    list_filter = ["status", "event_type", "endpoint"]
    list_select_related = ["endpoint"]
    search_fields = ["webhook_id", "endpoint__description", "endpoint__url"]
    actions = ["redeliver"]
    fields = [
        "endpoint",
        "event_type",
        "webhook_id",
        "sequence",
        "status",
        "attempts",
        "last_attempt_at",
        "last_response_status",
        "last_error",
        "next_attempt_at",
        "delivered_at",
        "created_at",
        "body",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # Written by content changes only.

    def has_change_permission(self, request, obj=None):
        return False  # A log: it says what happened.

    @admin.display(description="Item")
    def item(self, obj):
        data = obj.payload.get("data", {})
        return f"{data.get('kind')} {data.get('slug', data.get('id'))}"

    @admin.display(description="Body sent")
    def body(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2))

    @admin.action(
        description="Redeliver (same webhook-id, before newer deliveries)",
        permissions=["redeliver"],
    )
    def redeliver(self, request, queryset):
        endpoint_ids = set()
        for delivery in queryset.select_related("endpoint"):
            delivery.redeliver()
            endpoint_ids.add(delivery.endpoint_id)
            if not delivery.endpoint.is_active:
                self.message_user(
                    request,
                    f"{delivery.endpoint} is not active: its deliveries wait "
                    "until it is re-enabled.",
                    messages.WARNING,
                )
        for endpoint_id in sorted(endpoint_ids):
            queue_sending(endpoint_id)
        self.message_user(
            request, f"{queryset.count()} delivery(ies) queued again.", messages.SUCCESS
        )

    def has_redeliver_permission(self, request):
        # Redelivering changes a delivery's state: the right to change
        # endpoints covers it (the log itself is read-only for everyone).
        return request.user.has_perm("webhooks.change_endpoint")

from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "Public API"

    def ready(self):
        from django.core import checks

        from api.throttling import check_partner_rate_tiers

        checks.register(check_partner_rate_tiers)

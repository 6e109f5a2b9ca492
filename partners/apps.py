from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners"

    def ready(self):
        # Connects the receivers that drop cached key lookups on key changes.
        import partners.access  # noqa: F401

from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "Published documents"

    def ready(self):
        from . import receivers

        receivers.connect()

"""Make sure a local editor account exists, for development only."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

LOCAL_USERNAME = "editor"
LOCAL_PASSWORD = "editor"


class Command(BaseCommand):
    help = "Create the local superuser editor/editor (refused unless DEBUG is on)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--address", default="127.0.0.1:8000", help="Where it serves."
        )

    def handle(self, *args, address="127.0.0.1:8000", **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create a development account with DJANGO_DEBUG off. "
                "Create real accounts with `manage.py createsuperuser`."
            )
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=LOCAL_USERNAME,
            defaults={"is_staff": True, "is_superuser": True},
        )
        if created:
            user.set_password(LOCAL_PASSWORD)
            user.save()
        admin_url = f"http://{address}/{settings.ADMIN_PATH}"
        self.stdout.write(
            self.style.SUCCESS(
                f"Local admin: {admin_url}  username “{LOCAL_USERNAME}”, "
                f"password “{LOCAL_PASSWORD}”"
                + ("" if created else " (unless you changed it)")
            )
        )

"""Delete what the sync machinery no longer needs, by the retention settings.

Run it daily (docs/tasks.md): the task queue has no periodic tasks.
"""

import datetime

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from feed import changes, cursors, snapshot
from webhooks.models import Delivery


class Command(BaseCommand):
    help = (
        "Delete finished webhook deliveries, finished task results, change feed "
        "entries and snapshot bundles older than their retention settings."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        deliveries, _ = Delivery.objects.finished_before(
            now - datetime.timedelta(days=settings.WEBHOOKS_DELIVERY_RETENTION_DAYS)
        ).delete()
        entries = changes.compact(now - cursors.retention())
        bundles = snapshot.prune(now)
        self.stdout.write(
            f"Deleted {deliveries} webhook deliveries, {entries} change feed "
            f"entries and {bundles} snapshot bundles."
        )
        if isinstance(task_backends["default"], DatabaseBackend):
            # django-tasks-db's own command, for every queue.
            call_command(
                "prune_db_task_results",
                queue_name="*",
                min_age_days=settings.TASK_RESULT_RETENTION_DAYS,
                stdout=self.stdout,
                verbosity=options["verbosity"],
            )

"""Queue sending for every active endpoint with deliveries waiting.

Deliveries are never lost, but a task queued for them can be (a queue wiped,
a failed enqueue after commit); running this before the worker starts picks
every waiting delivery up again.
"""

from django.core.management.base import BaseCommand

from webhooks.models import Delivery
from webhooks.sending import queue_sending


class Command(BaseCommand):
    help = "Queue sending for every active endpoint with deliveries waiting."

    def handle(self, *args, **options):
        endpoint_ids = (
            Delivery.objects.pending()
            .filter(endpoint__is_active=True)
            .values_list("endpoint_id", flat=True)
            .distinct()
            .order_by("endpoint_id")
        )
        for endpoint_id in endpoint_ids:
            queue_sending(endpoint_id)
        self.stdout.write(f"Queued sending for {len(endpoint_ids)} endpoint(s).")

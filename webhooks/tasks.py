"""The worker's side of webhooks (run by `manage.py db_worker`)."""

from django_tasks import task

from webhooks import sending


@task
def send_deliveries(endpoint_id: int) -> int:
    """Send the endpoint's due deliveries in order; how many were delivered."""
    return sending.send_due(endpoint_id)

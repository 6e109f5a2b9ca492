"""Background work of publishing, run by the task queue's worker.

The queue is Django's tasks framework (the ``django-tasks`` backport, with
``django-tasks-db``'s database backend; docs/tasks.md says why). A task here
only saves a reader's wait: a stale document is rendered on its next read
anyway, so a worker that is down, late, or runs a task twice never serves old
content.
"""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from . import documents, purge, receivers

logger = logging.getLogger(__name__)


def as_keys(pairs) -> set[tuple[str, int]]:
    """(kind, id) keys from their JSON form, a list of two-item lists."""
    return {(str(kind_name), int(item_id)) for kind_name, item_id in pairs}


@task()
def render_items_showing(rows: list, rendered: list) -> str:
    """Render the documents of the items that show these changed rows, but
    those ``rendered`` already when the change committed.

    Safe to run twice or beside a reader rendering the same item: rendering
    stores what the content is when it runs (an upsert per document, which
    keeps ETag and Last-Modified when the bytes are the same), so a second
    run costs time and changes nothing. It never skips a document because it
    looks fresh: a reader's render that raced the change's commit may hold
    the old words, and this run, after the commit, puts the new ones.
    """
    rows, rendered = as_keys(rows), as_keys(rendered)
    showing = documents.items_showing(rows) - rendered
    if len(showing) > documents.EAGER_RENDER_LIMIT:
        # A change shown by many items (a reviewer's name) renders on each
        # page's next read, rather than holding the worker for the library.
        logger.info("%d items show the change: they render on read.", len(showing))
        report = f"{len(showing)} items left to render on read"
    else:
        report = str(documents.rebuild(showing))
        logger.info("Documents rendered in the background: %s", report)
    receivers.record_public_changes(rows, rendered)
    return report


# Seconds before each new attempt at a purge the CDN refused; then it is left
# to the copies' s-maxage (API_CACHE_S_MAXAGE), and logged as an error.
PURGE_RETRY_DELAYS = (5, 30, 120)


@task()
def purge_keys(keys: list, attempt: int = 1) -> str:
    """Ask the CDN to drop every cached response carrying one of these keys."""
    try:
        purge.purge(keys)
    except OSError as error:  # urllib's URLError and HTTPError included
        if attempt > len(PURGE_RETRY_DELAYS):
            logger.error("CDN purge failed %d times, given up: %s", attempt, error)
            return f"given up after {attempt} attempts: {error}"
        delay = datetime.timedelta(seconds=PURGE_RETRY_DELAYS[attempt - 1])
        purge_keys.using(run_after=timezone.now() + delay).enqueue(
            keys=keys, attempt=attempt + 1
        )
        logger.warning("CDN purge failed (attempt %d), retrying: %s", attempt, error)
        return f"retrying after attempt {attempt}: {error}"
    return f"purged {len(keys)} keys"

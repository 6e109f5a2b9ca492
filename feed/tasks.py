"""The feed's background work, run by the task queue's worker.

Neither task is needed for correctness: a read still catches up on passed
publication times itself, and the snapshot endpoint builds a bundle in the
request when the stored one is missing or unsafe to serve.
"""

from django_tasks import task

from . import changes, snapshot


@task()
def reconcile_everything_task() -> str:
    """The full reconcile: every item compared with what the feed recorded."""
    position = changes.reconcile_everything()
    # Also keeps a quiet library's bundles young, and rebuilds any whose
    # build task was lost.
    build_snapshots.enqueue()
    return f"feed at {position}"


@task()
def build_snapshots() -> str:
    """Build the snapshot bundle of every origin that has one, where the feed
    has moved past it or it has grown old (``snapshot.refresh``)."""
    built = snapshot.refresh()
    return f"built {len(built)}: {', '.join(built)}" if built else "all current"

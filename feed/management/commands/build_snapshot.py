"""Bring the feed up to date and build the snapshot, reporting what it cost."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from feed import changes, snapshot


class Command(BaseCommand):
    help = (
        "Reconcile the change feed and build the snapshot for an origin; "
        "prints its size and how long each step took."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--origin",
            default="https://api.rehabinfo.example",
            help="The scheme and host the snapshot's URLs and ETags are for.",
        )

    def handle(self, *args, origin, **options):
        started = time.perf_counter()
        sequence = changes.catch_up(timezone.now())
        reconciled = time.perf_counter()
        bundle = snapshot.build(origin, sequence, timezone.now())
        built = time.perf_counter()
        self.stdout.write(
            f"Feed at {sequence} (reconciled in {reconciled - started:.2f} s). "
            f"Snapshot: {bundle.documents} documents, "
            f"{len(bundle.body) / 1024:,.0f} KB gzip "
            f"({bundle.uncompressed_bytes / 1024:,.0f} KB JSON) "
            f"built in {built - reconciled:.2f} s."
        )

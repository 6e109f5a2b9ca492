"""Bring the feed up to date and build the snapshot for an origin now (the
worker does so after every change), reporting what it cost."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from feed import changes, snapshot


class Command(BaseCommand):
    help = (
        "Reconcile the change feed and build and store the snapshot for an "
        "origin; prints its size and how long each step took."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--origin",
            default="https://api.rehabinfo.example",
            help="The scheme and host the snapshot's URLs and ETags are for.",
        )

    def handle(self, *args, origin, **options):
        started = time.perf_counter()
        changes.reconcile_everything(timezone.now())
        sequence = changes.catch_up(timezone.now())
        reconciled = time.perf_counter()
        bundle = snapshot.store(origin, sequence, timezone.now())
        self.stdout.write(
            f"Feed at {sequence} (reconciled in {reconciled - started:.2f} s). "
            f"Snapshot: {bundle.documents} documents, "
            f"{len(bundle.body) / 1024:,.0f} KB gzip "
            f"({bundle.uncompressed_bytes / 1024:,.0f} KB JSON) "
            f"built in {bundle.build_seconds:.2f} s."
        )

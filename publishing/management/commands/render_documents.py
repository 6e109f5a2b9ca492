"""Render every published item's documents again, and say what changed."""

import os
import time

from django.core.management.base import BaseCommand, CommandError

from publishing.documents import rebuild_all


class Command(BaseCommand):
    help = (
        "Render the stored documents of every published item (API detail, list "
        "entry, JSON-LD, widget) from the content as it stands, drop those of items no "
        "longer public, and report how many were created, changed, unchanged and "
        "removed. Documents whose bytes are unchanged keep their ETag and "
        "Last-Modified. Safe to run at any time, on a live site."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes rendering at once on PostgreSQL (default: one per "
            "CPU); SQLite always renders in one.",
        )

    def handle(self, *args, jobs: int, **options):
        if jobs < 1:
            raise CommandError("--jobs must be 1 or more.")
        started = time.perf_counter()
        report = rebuild_all(jobs=jobs)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Documents: {report} in {elapsed:.1f} s.")

"""Load the seed content into the configured database, once."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from content.models import Topic

SEED_FIXTURE = "seed"


class Command(BaseCommand):
    help = (
        "Load the seed content (fixtures/seed.json) unless the database already "
        "holds content. Editors' work is never overwritten; --force reloads the "
        "seed rows (same primary keys) over any edits made to them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the fixture even if content exists (overwrites seed rows).",
        )

    def handle(self, *args, force=False, **options):
        if Topic.objects.exists() and not force:
            self.stdout.write(
                "Content already present: seed skipped (nothing changed). "
                "Use --force to reload the seed rows."
            )
            return
        call_command("loaddata", SEED_FIXTURE, verbosity=options["verbosity"])

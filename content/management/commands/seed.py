"""Load the seed content into a database that has never held content."""

from django.core.management.base import BaseCommand, CommandError

from content.seeding import (
    SEED_RELOADED_REASON,
    editors_work,
    has_ever_held_content,
    load_seed,
)


class Command(BaseCommand):
    help = (
        "Load the seed content (fixtures/seed.json) into a database that has never "
        "held content; anywhere else it changes nothing. --reload loads it again "
        "over the seed rows, and refuses a database holding any editors' work."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Load the seed again over untouched seed content (after the seed "
            "file changed). Refused if editors changed, added or deleted anything.",
        )

    def handle(self, *args, reload=False, **options):
        verbosity = options["verbosity"]
        if reload:
            work = editors_work()
            if work:
                raise CommandError(
                    "Not reloaded: this database holds editors' work, which the "
                    "seed would overwrite or bring back. Nothing changed. For "
                    "example:\n  " + "\n  ".join(work)
                )
            count = load_seed(SEED_RELOADED_REASON, verbosity=verbosity)
            self.stdout.write(f"Seed reloaded: {count} rows.")
            return
        if has_ever_held_content():
            self.stdout.write(
                "Seed skipped: this database holds, or once held, content. "
                "Nothing changed."
            )
            return
        count = load_seed(verbosity=verbosity)
        self.stdout.write(f"Seed loaded: {count} rows, each with a baseline version.")

"""Create the PostgreSQL database DATABASE_URL names, if it does not exist yet."""

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql


class Command(BaseCommand):
    help = (
        "Create the PostgreSQL database that DATABASE_URL names when it is "
        "missing (used by `make serve`); nothing to do on SQLite."
    )

    def handle(self, *args, **options):
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.postgresql":
            self.stdout.write("Not PostgreSQL: nothing to create.")
            return
        name = database["NAME"]
        # The database cannot be used to create itself: connect to the
        # maintenance database on the same server instead.
        try:
            with psycopg.connect(
                dbname="postgres",
                user=database.get("USER") or None,
                password=database.get("PASSWORD") or None,
                host=database.get("HOST") or None,
                port=database.get("PORT") or None,
                connect_timeout=5,
                autocommit=True,
            ) as connection:
                exists = connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
                if exists:
                    self.stdout.write(f"Database {name!r} exists.")
                    return
                connection.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
                )
        except psycopg.Error as error:
            message = f"Could not create database {name!r}: {error}"
            raise CommandError(message) from error
        self.stdout.write(self.style.SUCCESS(f"Created database {name!r}."))

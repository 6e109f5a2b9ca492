from django.db import migrations

# TRUNCATE fires no row trigger: emptying the search documents (as Django's
# flush does between transactional tests, or an operator's reset) must empty
# their per-word rows too, or the same items loaded again collide with them.
INSTALL = """
CREATE FUNCTION content_searchdocument_truncate_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE content_searchterm;
    RETURN NULL;
END $$;

CREATE TRIGGER content_searchdocument_truncate AFTER TRUNCATE
ON content_searchdocument FOR EACH STATEMENT
EXECUTE FUNCTION content_searchdocument_truncate_trigger();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS content_searchdocument_truncate ON content_searchdocument;
DROP FUNCTION IF EXISTS content_searchdocument_truncate_trigger();
"""


def run_on_postgresql(sql: str):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0014_search_terms"),
    ]
    operations = [
        migrations.RunPython(run_on_postgresql(INSTALL), run_on_postgresql(UNINSTALL)),
    ]

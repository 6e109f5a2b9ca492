"""Today's content becomes the live version of each item, its review carried
over as a review of exactly that content (the hash of what it shows now)."""

from django.db import migrations

from content.revisions import content_hash

ITEMS = ("topic", "comparison", "faq", "resource")


def bind_reviews(apps, schema_editor):
    for name in ITEMS:
        model = apps.get_model("content", name)
        for item in model.objects.all():
            item.content_hash = content_hash(item)
            if item.reviewed_by_id and item.last_reviewed_on:
                item.reviewed_hash = item.content_hash
            model.objects.filter(pk=item.pk).update(
                content_hash=item.content_hash, reviewed_hash=item.reviewed_hash
            )


class Migration(migrations.Migration):
    dependencies = [("content", "0010_revisions")]

    operations = [migrations.RunPython(bind_reviews, migrations.RunPython.noop)]

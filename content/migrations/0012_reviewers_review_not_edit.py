"""Medical reviewers approve or ask for changes; they no longer edit items.

Their change permission existed for the review fields of the item form, which
are now recorded only by approving, from the preview.
"""

from django.db import migrations

ITEMS = ["topic", "comparison", "faq", "resource"]


def reviewers_and_change_permissions(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Medical reviewers").first()
    permissions = Permission.objects.filter(
        content_type__app_label="content",
        codename__in=[f"change_{item}" for item in ITEMS],
    )
    return group, permissions


def drop_change(apps, schema_editor):
    group, permissions = reviewers_and_change_permissions(apps)
    if group is not None:
        group.permissions.remove(*permissions)


def restore_change(apps, schema_editor):
    group, permissions = reviewers_and_change_permissions(apps)
    if group is not None:
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0011_revisions_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(drop_change, restore_change)]

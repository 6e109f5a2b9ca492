"""Create the editorial roles as groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISHABLE = ["topic", "comparison", "faq", "resource"]
CHILDREN = [
    "section",
    "source",
    "comparisonoption",
    "aspect",
    "aspectcell",
    "optionpoint",
    "criterion",
    "criterioneffect",
]


def codenames(actions, models):
    return [f"{action}_{model}" for action in actions for model in models]


ROLES = {
    # Editors write: add and change everything, delete only parts of a page.
    "Editors": codenames(["view", "add", "change"], PUBLISHABLE + CHILDREN)
    + codenames(["delete"], CHILDREN)
    + ["view_reviewer"],
    # Medical reviewers read everything and record reviews on the items.
    "Medical reviewers": codenames(["view"], PUBLISHABLE + CHILDREN)
    + codenames(["change", "review"], PUBLISHABLE)
    + ["view_reviewer"],
    # Publishers hold every content permission except recording reviews.
    "Publishers": codenames(["view", "add", "change", "delete"], PUBLISHABLE + CHILDREN)
    + codenames(["publish"], PUBLISHABLE)
    + codenames(["view", "add", "change"], ["reviewer"]),
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrations; roles need them now.
    # Historical app configs carry no models_module, which create_permissions checks.
    app_config = apps.get_app_config("content")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, role_codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="content", codename__in=role_codenames
        )
        missing = set(role_codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Unknown permissions for {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

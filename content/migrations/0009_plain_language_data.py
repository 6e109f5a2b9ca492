"""Respectful-wording defaults, the roles' rights on them, and today's grades.

Grades are computed here from the stored plain text, the way the models'
``public_text()`` assembles it at the time of this migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from content.language import reading_grade

# term, suggestion, phrases in which the term is fine
TERMS = [
    ("addict", "person with a substance use disorder; person who uses heroin", ""),
    ("junkie", "person who uses heroin", ""),
    ("abuser", "person who uses drugs", ""),
    ("drug abuse", "drug use; substance use disorder", "National Institute on Drug Abuse"),
    (
        "substance abuse",
        "substance use; substance use disorder",
        "Substance Abuse and Mental Health Services Administration",
    ),
    ("alcoholic", "person with alcohol use disorder", ""),
    (
        "clean",
        "“negative” for a test result; “in recovery” or “not using” for a person",
        "clean needles\nclean syringes\nclean equipment",
    ),
    ("dirty", "“positive” for a test result", ""),
    ("drug habit", "substance use; substance use disorder", ""),
    (
        "replacement therapy",
        "medication treatment; medications for opioid use disorder",
        "",
    ),
]
EDITING = ["view", "add", "change", "delete"]
RIGHTS = {
    "Editors": EDITING,
    "Publishers": EDITING,
    "Medical reviewers": ["view"],
}


def add_terms_and_rights(apps, schema_editor):
    StigmatisingTerm = apps.get_model("content", "StigmatisingTerm")
    for term, suggestion, allowed_in in TERMS:
        StigmatisingTerm.objects.get_or_create(
            term=term, defaults={"suggestion": suggestion, "allowed_in": allowed_in}
        )
    app_config = apps.get_app_config("content")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in RIGHTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="content",
                    codename__in=[f"{action}_stigmatisingterm" for action in actions],
                )
            )


def grade_existing_content(apps, schema_editor):
    def texts(item, *fields):
        return [getattr(item, field) for field in fields]

    def store(model, parts_of):
        for item in model.objects.all():
            text = "\n".join(filter(None, parts_of(item)))
            model.objects.filter(pk=item.pk).update(reading_grade=reading_grade(text))

    Section = apps.get_model("content", "Section")
    AspectCell = apps.get_model("content", "AspectCell")
    CriterionEffect = apps.get_model("content", "CriterionEffect")
    OptionPoint = apps.get_model("content", "OptionPoint")

    def topic_parts(topic):
        parts = texts(topic, "title", "summary", "body_text")
        for section in Section.objects.filter(topic=topic).order_by("position", "id"):
            parts += [section.heading, section.body_text]
        return parts

    def comparison_parts(comparison):
        parts = texts(
            comparison, "title", "summary", "introduction_text", "conclusion_text"
        )
        for option in comparison.options.order_by("position", "id"):
            parts += texts(option, "summary", "favoured_lead", "required_lead")
            parts += OptionPoint.objects.filter(option=option).order_by(
                "kind", "position", "id"
            ).values_list("text", flat=True)
        parts += AspectCell.objects.filter(aspect__comparison=comparison).values_list(
            "text", flat=True
        )
        for criterion in comparison.criteria.order_by("position", "id"):
            parts += texts(criterion, "question", "help_text")
        parts += CriterionEffect.objects.filter(
            criterion__comparison=comparison
        ).values_list("reason", flat=True)
        return parts

    store(apps.get_model("content", "Topic"), topic_parts)
    store(apps.get_model("content", "Comparison"), comparison_parts)
    store(
        apps.get_model("content", "FAQ"),
        lambda faq: texts(faq, "question", "answer_text"),
    )
    store(
        apps.get_model("content", "Resource"),
        lambda resource: texts(resource, "description_text", "availability"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0008_plain_language"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(add_terms_and_rights, migrations.RunPython.noop),
        migrations.RunPython(grade_existing_content, migrations.RunPython.noop),
    ]

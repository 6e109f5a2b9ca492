"""The seed content (fixtures/seed.json): loaded once, never over editors' work.

The seed goes only into a database that has never held content: no content
rows, no history (simple-history keeps deleted items' records) and no content
clock. Anything else, even a database whose content was all deleted, is left
alone, so a restart never resurrects a withdrawn seed item.

Each loaded row gets a baseline history record, so the seed wording can be
restored from the history after editors change it. The only way to load the
seed again is explicit (``manage.py seed --reload``) and refuses a database
holding any editors' work: a history record other than a seed baseline, or a
content row that is not in the seed.
"""

import json
from collections.abc import Iterator

from django.apps import apps
from django.core.management import call_command
from django.db import models, transaction
from django.db.models.fields.related import ManyToManyField
from simple_history.models import HistoricalChanges, HistoricalRecords

from content.models import ContentChange, SearchDocument, StigmatisingTerm

SEED_FIXTURE = "seed"
SEED_FILE = "seed.json"
SEED_LOADED_REASON = "Loaded from the seed content."
SEED_RELOADED_REASON = "Reloaded from the seed content."
SEED_REASONS = (SEED_LOADED_REASON, SEED_RELOADED_REASON)
# Rows that are not content: derived from it (rebuilt on every change) or the
# editors' settings (wording checks); they say nothing about content held.
NOT_CONTENT = (ContentChange, SearchDocument, StigmatisingTerm)


def content_models() -> Iterator[type[models.Model]]:
    """Every model holding content: items, their parts, and their link tables."""
    for model in apps.get_app_config("content").get_models():
        if model in NOT_CONTENT or is_history_model(model):
            continue
        yield model
        for field in model._meta.local_many_to_many:
            if isinstance(field, ManyToManyField) and field.remote_field.through:
                through = field.remote_field.through
                if through._meta.auto_created:
                    yield through


def is_history_model(model) -> bool:
    return issubclass(model, HistoricalChanges)


def models_with_history() -> Iterator[type[models.Model]]:
    """Content models with a history (simple-history's ``history`` manager)."""
    for model in content_models():
        if hasattr(model, "history"):
            yield model


def history_models() -> Iterator[type[models.Model]]:
    """Historical records of items (their many-to-many rows hang off these)."""
    for model in apps.get_app_config("content").get_models():
        if (
            is_history_model(model)
            and hasattr(model, "history_change_reason")
            and model.instance_type not in NOT_CONTENT
        ):
            yield model


def has_ever_held_content() -> bool:
    """Whether content was ever saved here, including content deleted since."""
    return (
        ContentChange.objects.exists()
        or any(model.objects.exists() for model in content_models())
        or any(model.objects.exists() for model in history_models())
    )


def seed_rows() -> set[tuple[str, object]]:
    """(model label, primary key) of every row in the seed fixture."""
    from django.conf import settings

    path = next(
        folder / SEED_FILE
        for folder in settings.FIXTURE_DIRS
        if (folder / SEED_FILE).exists()
    )
    return {(row["model"], row["pk"]) for row in json.loads(path.read_text())}


def editors_work(limit: int = 5) -> list[str]:
    """Up to ``limit`` descriptions of content that did not come from the seed."""
    found = []
    for model in history_models():
        edits = model.objects.exclude(history_change_reason__in=SEED_REASONS)
        for record in edits[: limit - len(found)]:
            found.append(
                f"{model.instance_type._meta.verbose_name} “{record.instance}”: "
                f"{record.get_history_type_display().lower()} on "
                f"{record.history_date:%Y-%m-%d %H:%M} UTC"
            )
        if len(found) >= limit:
            return found
    seeded = seed_rows()
    for model in content_models():
        label = model._meta.label_lower
        for pk in model.objects.values_list("pk", flat=True):
            if (label, pk) not in seeded:
                found.append(f"{model._meta.verbose_name} #{pk}, not in the seed")
                if len(found) >= limit:
                    return found
    return found


@transaction.atomic
def load_seed(reason: str = SEED_LOADED_REASON, verbosity: int = 0) -> int:
    """Load the seed fixture and record a baseline version of every row.

    Returns the number of baseline history records written.
    """
    loaded: list[models.Model] = []

    def remember(sender, instance, raw=False, **kwargs):
        if raw:
            loaded.append(instance)

    senders = list(models_with_history())
    for model in senders:
        models.signals.post_save.connect(remember, sender=model, weak=False)
    try:
        call_command("loaddata", SEED_FIXTURE, verbosity=verbosity)
    finally:
        for model in senders:
            models.signals.post_save.disconnect(remember, sender=model)
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for instance in loaded:
        by_model.setdefault(type(instance), []).append(instance)
    for model, instances in by_model.items():
        # Re-read: the fixture's rows as stored, rendered fields included.
        stored = list(model.objects.filter(pk__in=[i.pk for i in instances]))
        records = model.history.bulk_history_create(
            stored, default_change_reason=reason
        )
        record_links(records)
    return len(loaded)


def record_links(records) -> None:
    """The many-to-many links (sources, related topics) of baseline versions.

    simple-history records them on save, not in ``bulk_history_create``.
    """
    for record in records:
        for field in record._history_m2m_fields:
            through = field.remote_field.through
            names = [f.name for f in through._meta.fields]
            links = through.objects.filter(**{field.m2m_field_name(): record.id})
            HistoricalRecords.m2m_models[field].objects.bulk_create(
                HistoricalRecords.m2m_models[field](
                    history=record, **{name: getattr(link, name) for name in names}
                )
                for link in links
            )

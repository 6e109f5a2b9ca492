"""`manage.py seed`: loads once into a never-used database, never over editors' work."""

import io

import pytest
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from content.models import (
    FAQ,
    PublicationStatus,
    Resource,
    Reviewer,
    Source,
    Topic,
)
from content.seeding import SEED_LOADED_REASON, content_models


def snapshot():
    """Every content row, link tables included, as serialised data."""
    return {
        model._meta.label: serializers.serialize("python", model.objects.order_by("pk"))
        for model in content_models()
    }


def run_seed(*args) -> str:
    out = io.StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    run_seed()


def test_seed_command_loads_into_a_database_that_never_held_content(db):
    output = run_seed()

    assert "Seed loaded" in output
    assert Topic.objects.published().count() == 5


def test_seed_command_records_a_baseline_version_of_every_seed_item(seeded):
    for model in (Topic, FAQ, Resource, Source, Reviewer):
        items = model.objects.all()
        assert items, model
        for item in items:
            baseline = item.history.earliest()
            assert baseline.history_change_reason == SEED_LOADED_REASON
            assert baseline.instance.pk == item.pk


def test_seed_command_leaves_edited_content_unchanged(seeded):
    topic = Topic.objects.get(slug="heroin-rehab")
    topic.title = "Edited by an editor"
    topic.save()
    before = snapshot()

    output = run_seed()

    assert "Nothing changed" in output
    assert snapshot() == before


def test_seed_command_does_not_resurrect_deleted_or_restore_archived_content(seeded):
    """The reported case: every topic deleted, a resource archived and edited."""
    resource = Resource.objects.get(slug="samhsa-national-helpline")
    resource.status = PublicationStatus.ARCHIVED
    resource.availability = "Edited by an editor"
    resource.save()
    source = Source.objects.first()
    source.url = "https://example.org/edited"
    source.save()
    reviewer = Reviewer.objects.get()
    reviewer.credentials = "Edited"
    reviewer.save()
    FAQ.objects.all().delete()
    for topic in Topic.objects.order_by("-parent_id"):
        topic.comparisons.all().delete()
    Topic.objects.filter(parent__isnull=False).delete()
    Topic.objects.all().delete()
    before = snapshot()

    output = run_seed()

    assert "Nothing changed" in output
    assert snapshot() == before
    assert not Topic.objects.exists()
    resource.refresh_from_db()
    assert resource.status == PublicationStatus.ARCHIVED
    assert resource.availability == "Edited by an editor"


def test_seed_command_skips_a_database_whose_content_was_all_deleted(db):
    topic = Topic.objects.create(slug="gone", title="Gone", summary="Deleted.")
    topic.delete()

    output = run_seed()

    assert "Nothing changed" in output
    assert not Topic.objects.exists()


def test_seed_reload_over_untouched_seed_content_succeeds(seeded):
    before = snapshot()

    output = run_seed("--reload")

    assert "Seed reloaded" in output
    assert snapshot() == before


def test_seed_reload_refuses_a_database_with_an_edit(seeded):
    topic = Topic.objects.get(slug="heroin-rehab")
    topic.status = PublicationStatus.ARCHIVED
    topic.save()
    before = snapshot()

    with pytest.raises(CommandError, match="editors' work") as refused:
        run_seed("--reload")

    assert "Heroin rehab" in str(refused.value)
    assert snapshot() == before


def test_seed_reload_refuses_a_database_where_seed_content_was_deleted(seeded):
    FAQ.objects.filter(position=0).first().delete()
    before = snapshot()

    with pytest.raises(CommandError, match="editors' work"):
        run_seed("--reload")

    assert snapshot() == before


def test_seed_reload_refuses_content_added_without_history(seeded):
    Topic.objects.bulk_create([Topic(slug="bulk", title="Bulk", summary="No history.")])

    with pytest.raises(CommandError, match="not in the seed"):
        run_seed("--reload")

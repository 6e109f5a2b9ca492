"""Change tracking: every content edit moves the content clock on.

Signals (not ``save()`` overrides) because admin bulk deletes and cascades
delete rows without calling ``Model.delete()``.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from content.models import ReviewNote
from content.models.changes import ContentChange, publish_content_version
from content.revisions import batching, previewing

# The publishable item whose public representation shows each child model.
ROOT_LOOKUPS = {
    "section": ("topic", "topic_id"),
    "comparisonoption": ("comparison", "comparison_id"),
    "aspect": ("comparison", "comparison_id"),
    "criterion": ("comparison", "comparison_id"),
    "aspectcell": ("comparison", "aspect__comparison_id"),
    "optionpoint": ("comparison", "option__comparison_id"),
    "criterioneffect": ("comparison", "criterion__comparison_id"),
}


def touch_root(instance, when) -> None:
    """Move the parent's ``updated_at`` so ``updated_since`` sees child edits.

    The parent's reading grade covers its parts' text, so it is graded again.
    """
    lookup = ROOT_LOOKUPS.get(instance._meta.model_name)
    if lookup is None:
        return
    root_name, path = lookup
    root_model = apps.get_model("content", root_name)
    if "__" in path:
        relation, field = path.split("__")
        related = getattr(type(instance), relation).field.related_model
        relation_id = getattr(instance, f"{relation}_id")
        root_ids = related.objects.filter(pk=relation_id).values(field)
    else:
        root_ids = [getattr(instance, path)]
    for root in root_model.objects.filter(pk__in=root_ids):
        root.refresh_derived(updated_at=when)


def content_saved_or_deleted(sender, instance, raw=False, **kwargs):
    if batching.get():  # One change for the whole batch, recorded at its end.
        return
    when = timezone.now()
    ContentChange.record(when)
    if not previewing.get():  # A preview is rolled back: caches stay as they are.
        publish_content_version()
    if not raw:  # Fixture loads keep the timestamps they carry.
        touch_root(instance, when)


def content_relations_changed(sender, instance, action, reverse, **kwargs):
    # Admin saves relations together with their item, which moves its
    # updated_at already; here the content clock moves on and the item's
    # content hash follows its citations and links.
    if action in {"post_add", "post_remove", "post_clear"} and not batching.get():
        ContentChange.record()
        if not previewing.get():
            publish_content_version()
        if not reverse and hasattr(instance, "refresh_derived"):
            instance.refresh_derived()


def tracked_models():
    for model in apps.get_app_config("content").get_models():
        if model in (ContentChange, ReviewNote) or model._meta.model_name.startswith(
            "historical"
        ):
            continue
        yield model


def connect() -> None:
    for model in tracked_models():
        uid = f"content-change-{model._meta.label_lower}"
        post_save.connect(content_saved_or_deleted, sender=model, dispatch_uid=uid)
        post_delete.connect(content_saved_or_deleted, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                content_relations_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}-{field.name}",
            )

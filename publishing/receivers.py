"""Content changes make the documents that show them stale, and render them.

Each saved, deleted or relinked content row names the items whose documents
may show it: the row's own item (a section's topic, an option's comparison),
the items its links point at (an FAQ's topic), and, through the recorded
``DocumentLink`` rows, every item whose documents show it. Those documents
are marked stale in the change's own transaction, so no read after the commit
gets the old bytes, and are rendered again once it commits; the response
cache's generation tokens of the same items are replaced at the same moments
(``publishing.generations``), so their cached responses miss and no others.

A batch of rows saved as one change (``content.revisions.one_change``) is
flushed once, when the batch records its change.
"""

import logging
from contextvars import ContextVar

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from content.revisions import batching, previewing
from content.signals import ROOT_LOOKUPS, tracked_models

from . import documents, generations, purge, tasks

logger = logging.getLogger(__name__)

pending_changes = ContextVar("pending_document_changes", default=None)

# Links from a row to the items whose pages show it (beyond DocumentLink).
OWNER_FIELDS = {
    "faq": (("topic", "topic_id"), ("comparison", "comparison_id")),
    "topic": (("topic", "parent_id"),),
    "comparison": (("topic", "topic_id"),),
}


def rows_and_pages(instance) -> tuple[set, set]:
    """What a change to this row touches, as (kind, id) keys: the rows whose
    documents, and whose showing documents, change (the row itself); and the
    pages whose own documents change (the page a part belongs to, the pages
    an item's links point at, which may not show it yet)."""
    name = instance._meta.model_name
    lookup = ROOT_LOOKUPS.get(name)
    if lookup is not None:  # A part of a page: the page changed.
        root_name, path = lookup
        if "__" in path:
            relation, field_name = path.split("__")
            parent = getattr(instance, relation, None)
            root_id = getattr(parent, field_name, None)
        else:
            root_id = getattr(instance, path)
        return set(), {(root_name, root_id)} if root_id else set()
    pages = {
        (kind_name, getattr(instance, field_name))
        for kind_name, field_name in OWNER_FIELDS.get(name, ())
        if getattr(instance, field_name, None)
    }
    if getattr(instance, "revision_of_id", None):
        # A revision's schedule is its live item's: only that page changes.
        return set(), pages | {(name, instance.revision_of_id)}
    return {(name, instance.pk)}, pages


def collect(rows: set, pages: set) -> None:
    if previewing.get() or not (rows or pages):
        return  # A preview is rolled back: nothing of it is public.
    pending = pending_changes.get()
    if pending is None:
        pending = (set(), set())
        pending_changes.set(pending)
    pending[0].update(rows)
    pending[1].update(pages)
    if not batching.get():
        flush()


def flush() -> None:
    pending = pending_changes.get()
    if not pending or not (pending[0] or pending[1]):
        return
    rows, pages = set(pending[0]), set(pending[1])
    pending[0].clear()
    pending[1].clear()
    documents.mark_stale(rows, pages)
    retire_cached_responses(rows, pages)
    transaction.on_commit(lambda: render_after_commit(rows, pages), robust=True)
    transaction.on_commit(lambda: purge_after_commit(rows, pages), robust=True)


def retire_cached_responses(rows, pages) -> None:
    """Make the cached responses of every item the change may show on (and of
    the lists of their kinds) miss once it commits, and only those."""
    changed_kinds = {kind_name for kind_name, _ in rows}
    generations.retire(documents.addresses_showing(rows, pages), changed_kinds)


def render_after_commit(rows, pages) -> None:
    """Render the changed items' own documents, so their next read is a plain
    read, let the change feed record what the public sees of them, and queue
    the items that show them (``publishing.tasks``): rendered and recorded in
    the feed by the worker, so a publish does not wait for them. Until the
    worker runs they render on their next read, and the feed's periodic full
    reconcile records them if the worker is down.
    """
    own = documents.rebuild(rows | pages)
    logger.info("Documents rendered after a change: %s", own)
    record_public_changes(set(), rows | pages)
    tasks.render_items_showing.enqueue(rows=sorted(rows), rendered=sorted(rows | pages))


def record_public_changes(rows, pages) -> None:
    """The change feed (``feed/``) records what the public now sees of the
    items this committed change touched, once their documents are rendered."""
    from feed.changes import after_edit

    after_edit(rows, pages)


def purge_after_commit(rows, pages) -> None:
    """Withdraw from CDNs every cached response showing a changed row: a task,
    so the editor's save never waits for the CDN, and a refusal is retried."""
    tasks.purge_keys.enqueue(keys=purge.change_keys(rows, pages))


def row_saved_or_deleted(sender, instance, raw=False, **kwargs):
    if raw:  # A fixture load: nothing was rendered from it yet.
        return
    collect(*rows_and_pages(instance))


def relations_changed(sender, instance, action, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    rows, pages = rows_and_pages(instance)
    # Both ends: a topic's sources, or a source's topics, changed.
    related = model._meta.model_name
    collect(rows | {(related, pk) for pk in pk_set or ()}, pages)


def change_recorded(sender, **kwargs):
    flush()  # The end of a batch (content.revisions.one_change).


def connect() -> None:
    for model in tracked_models():
        uid = f"documents-{model._meta.label_lower}"
        post_save.connect(row_saved_or_deleted, sender=model, dispatch_uid=uid)
        post_delete.connect(row_saved_or_deleted, sender=model, dispatch_uid=uid)
        for m2m in model._meta.local_many_to_many:
            m2m_changed.connect(
                relations_changed,
                sender=m2m.remote_field.through,
                dispatch_uid=f"{uid}-{m2m.name}",
            )
    post_save.connect(
        change_recorded,
        sender=apps.get_model("content", "ContentChange"),
        dispatch_uid="documents-content-change",
    )

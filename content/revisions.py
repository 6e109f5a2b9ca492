"""Revisions: working copies of live items, bound reviews, and publishing.

Live content and working copies are separate rows of the same model. An
editor changes a live item by starting a revision: a copy of the item with
its parts and links (``start_revision``), which points at the live item
through ``revision_of`` and is never public. The copy is edited, reviewed and
published like a new draft; publishing copies it onto the live item and
removes it (``publish_revision``), so URLs, ids and the links of other items
stay put.

A medical review is bound to content by ``content_hash``: SHA-256 of the
item's public content, parts, citations and links included, as ``TREES``
describes it. Publishing recomputes the hash and refuses content whose hash is
not the one the reviewer approved.

The functions here work on historical models too (data migrations use them):
they read fields and relations by name only.
"""

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from content.diffs import word_diff
from content.editorial import REVIEW_FIELDS
from content.models.publication import CHANGE_REASON_MAX_LENGTH, PublicationStatus


@dataclass(frozen=True)
class Part:
    """Rows that belong to an item (or to another part) and are copied with it."""

    relation: str  # the related name from the parent, e.g. "sections"
    parent_field: str  # the part's key to its parent, e.g. "topic"
    fields: tuple[str, ...]
    # Keys to an option of the same comparison: hashed by the option's key,
    # pointed at the copied option when copied.
    option_refs: tuple[str, ...] = ()
    parts: tuple["Part", ...] = ()


@dataclass(frozen=True)
class Tree:
    """The public content of one kind of item: what a review approves."""

    fields: tuple[str, ...]
    links: tuple[str, ...] = ()  # many-to-many relations, copied and hashed
    parts: tuple[Part, ...] = field(default=())


SOURCE_FIELDS = ("title", "publisher", "url", "statement")
TREES = {
    "topic": Tree(
        fields=("slug", "title", "summary", "body", "parent"),
        # Related topics are navigation, not the page's words: symmetrical
        # links that publishers keep on live items (``NAVIGATION_FIELDS``).
        links=("sources",),
        parts=(Part("sections", "topic", ("position", "heading", "anchor", "body")),),
    ),
    "faq": Tree(fields=("topic", "comparison", "position", "question", "answer")),
    "resource": Tree(
        fields=(
            "slug",
            "name",
            "kind",
            "phone",
            "text_number",
            "url",
            "description",
            "availability",
            "region",
            "keywords",
        )
    ),
    "comparison": Tree(
        fields=("slug", "title", "topic", "summary", "introduction", "conclusion"),
        links=("sources",),
        parts=(
            # Options first: cells and effects point at them.
            Part(
                "options",
                "comparison",
                (
                    "position",
                    "key",
                    "name",
                    "summary",
                    "topic",
                    "favoured_lead",
                    "required_lead",
                ),
                parts=(Part("points", "option", ("kind", "position", "text")),),
            ),
            Part(
                "aspects",
                "comparison",
                ("position", "key", "name"),
                parts=(Part("cells", "aspect", ("text",), option_refs=("option",)),),
            ),
            Part(
                "criteria",
                "comparison",
                ("position", "key", "question", "help_text", "is_published"),
                parts=(
                    Part(
                        "effects",
                        "criterion",
                        ("answer", "effect", "reason"),
                        option_refs=("option",),
                    ),
                ),
            ),
        ),
    ),
}
logger = logging.getLogger(__name__)
# What a review carries from one row to another, with the content it approved.
REVIEW_RECORD = (*REVIEW_FIELDS, "reviewed_hash")


def tree_of(item) -> Tree:
    return TREES[item._meta.model_name]


def value_of(row, name: str):
    """A field's stored value: the key for a relation, plain JSON otherwise."""
    return getattr(row, row._meta.get_field(name).attname)


def part_rows(parent, part: Part) -> Iterator:
    return getattr(parent, part.relation).order_by("pk")


def part_content(row, part: Part) -> dict:
    content = {name: value_of(row, name) for name in part.fields}
    for ref in part.option_refs:
        content[ref] = getattr(row, ref).key
    for child in part.parts:
        content[child.relation] = sorted_content(
            part_content(r, child) for r in part_rows(row, child)
        )
    return content


def sorted_content(rows) -> list[dict]:
    """Parts in a canonical order: their positions are content, their ids not."""
    return sorted(rows, key=lambda row: json.dumps(row, sort_keys=True, default=str))


def public_content(item) -> dict:
    """The item's public content as plain data, parts and citations included."""
    tree = tree_of(item)
    content = {name: value_of(item, name) for name in tree.fields}
    if item.pk is None:
        return content
    for link in tree.links:
        rows = getattr(item, link).order_by("pk")
        if link == "sources":
            content[link] = [
                {"id": row.pk, **{name: getattr(row, name) for name in SOURCE_FIELDS}}
                for row in rows
            ]
        else:
            content[link] = [row.pk for row in rows]
    for part in tree.parts:
        content[part.relation] = sorted_content(
            part_content(row, part) for row in part_rows(item, part)
        )
    return content


def content_hash(item) -> str:
    """SHA-256 of ``public_content``: what a medical review is bound to."""
    encoded = json.dumps(
        public_content(item), sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(encoded.encode()).hexdigest()


def content_as_text(value) -> str:
    """Public content as lines an editor can read and a word diff can compare."""
    if isinstance(value, list):
        return "\n\n".join(content_as_text(row) for row in value)
    if isinstance(value, dict):
        return "\n".join(f"{name}: {content_as_text(v)}" for name, v in value.items())
    return "" if value is None else str(value)


def changes_from_live(revision) -> list[dict]:
    """Each part of the public content a revision changes, as a word diff
    against its live item: what the reviewer is asked to approve anew."""
    live, new = public_content(revision.revision_of), public_content(revision)
    return [
        {"name": name.replace("_", " "), "diff": word_diff(*texts)}
        for name in new
        if live.get(name) != new[name]
        for texts in [(content_as_text(live.get(name)), content_as_text(new[name]))]
    ]


batching = ContextVar("batching_content_changes", default=False)


@contextmanager
def one_change():
    """Many rows saved as one editorial change (a revision copied or
    published, a page saved with its parts).

    Inside, a part's save neither regrades and rehashes its page nor moves the
    content clock: the caller refreshes the page once, and the clock moves
    once, when the block succeeds.
    """
    from content.models import ContentChange, publish_content_version

    if batching.get():
        yield
        return
    token = batching.set(True)
    try:
        yield
    finally:
        batching.reset(token)
    ContentChange.record()
    if not previewing.get():
        publish_content_version()


class RevisionHeld(Exception):
    """Someone else holds the open revision of an item."""

    def __init__(self, revision):
        self.revision = revision
        holder = revision.revision_opened_by or "another editor"
        super().__init__(
            f"{holder} is working on a revision of “{revision}”, started "
            f"{timezone.localtime(revision.revision_opened_at):%Y-%m-%d %H:%M}. "
            "Ask them to finish or discard it; a publisher can discard it."
        )


def copy_row(row, **changes):
    """A new, unsaved row with the same field values (Markdown is re-rendered)."""
    model = type(row)
    values = {
        f.attname: getattr(row, f.attname)
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in changes
    }
    return model(**values, **changes)


def copy_parts(source, target, parts: tuple[Part, ...], options: dict) -> None:
    """Copy the parts of ``source`` under ``target``; ``options`` maps old
    option keys to new options, for the cells and effects that name them."""
    for part in parts:
        for row in part_rows(source, part):
            changes = {part.parent_field: target}
            for ref in part.option_refs:
                changes[ref] = options[getattr(row, f"{ref}_id")]
            new = copy_row(row, **changes)
            new._change_reason = target._change_reason
            new.save()
            if part.relation == "options":
                options[row.pk] = new
            copy_parts(row, new, part.parts, options)


def start_revision(item, user):
    """The open revision of a live item: the user's own, or a new copy.

    Raises ``RevisionHeld`` when someone else holds it.
    """
    model = type(item)
    with transaction.atomic(), one_change():
        live = model.objects.select_for_update().get(pk=item.pk)
        held = live.pending_revision()
        if held is not None:
            if held.revision_opened_by_id != user.pk:
                raise RevisionHeld(held)
            return held
        revision = copy_row(
            live,
            revision_of=live,
            status=PublicationStatus.DRAFT,
            publish_at=None,
            unpublish_at=None,
            revision_opened_by=user,
            revision_opened_at=timezone.now(),
        )
        revision._change_reason = f"Revision started by {user}."[
            :CHANGE_REASON_MAX_LENGTH
        ]
        revision.save()
        tree = tree_of(live)
        for link in tree.links:
            getattr(revision, link).set(getattr(live, link).all())
        copy_parts(live, revision, tree.parts, {})
        revision.refresh_derived()
        revision.refresh_from_db()
        return revision


def publish_revision(revision, *, reason: str, check_review: bool = True):
    """Copy a revision onto its live item and remove it; returns the live item.

    The live item keeps its id and URL; its parts become the revision's, and
    the revision's review (bound to the same content) becomes the live one.
    """
    from content.models import ReviewNote

    model = type(revision)
    with transaction.atomic(), one_change():
        revision = model.objects.select_for_update().get(pk=revision.pk)
        problem = revision.review_problem() if check_review else None
        if problem:
            raise ValidationError({"status": problem})
        live = model.objects.select_for_update().get(pk=revision.revision_of_id)
        approved = revision.content_hash
        tree = tree_of(live)
        for name in (*tree.fields, *REVIEW_RECORD):
            setattr(live, live._meta.get_field(name).attname, value_of(revision, name))
        live.status = PublicationStatus.PUBLISHED
        if revision.unpublish_at:
            live.unpublish_at = revision.unpublish_at
        live._change_reason = reason[:CHANGE_REASON_MAX_LENGTH]
        for part in tree.parts:
            move_rows(revision, live, part)
        for link in tree.links:
            getattr(live, link).set(getattr(revision, link).all())
        ReviewNote.objects.about(revision).update(object_id=live.pk)
        revision.delete()
        live.save()
        if check_review and live.content_hash != approved:
            raise AssertionError("Publishing changed the approved content.")
        return live


def move_rows(revision, live, part: Part) -> None:
    """Make the revision's rows of ``part`` the live item's.

    A live row equal to one of the revision's stays as it is, and the
    revision's twin goes with the revision: each row written costs a search
    index update (about 12 ms for a section), and a revision usually changes
    few of its rows. Rows with parts of their own, or pointing at options,
    are all moved: their children and references follow their ids.
    """
    moving = list(part_rows(revision, part))
    if part.parts or part.option_refs:
        getattr(live, part.relation).all().delete()
    else:
        unmatched = defaultdict(list)
        for row in part_rows(live, part):
            unmatched[row_content(row, part)].append(row)
        unmatched_moving = []
        for row in moving:
            twins = unmatched[row_content(row, part)]
            if twins:
                twins.pop()  # The live twin stays.
            else:
                unmatched_moving.append(row)
        moving = unmatched_moving
        # Before the moves: a moved row may take a leftover's unique anchor.
        gone = [row.pk for rows in unmatched.values() for row in rows]
        getattr(live, part.relation).filter(pk__in=gone).delete()
    for row in moving:
        setattr(row, part.parent_field, live)
        row._change_reason = live._change_reason
        row.save()


def row_content(row, part: Part) -> tuple:
    return tuple(value_of(row, name) for name in part.fields)


def publish(item, *, reason: str, now=None):
    """Publish an item or a revision now, or at its ``publish_at``.

    Raises ``ValidationError`` when the content is not exactly what a medical
    reviewer approved, or breaks a publishing rule (a comparison's options).
    A revision due now goes onto its live item at once; one scheduled for
    later waits, published, until ``apply_due_revisions`` finds it due.
    """
    now = now or timezone.now()
    item.status = PublicationStatus.PUBLISHED
    item.full_clean()
    if item.is_revision and not (item.publish_at and item.publish_at > now):
        return publish_revision(item, reason=reason)
    item._change_reason = reason[:CHANGE_REASON_MAX_LENGTH]
    item.save()
    return item


def publishable_models():
    from content.models import FAQ, Comparison, Resource, Topic

    return (Topic, Comparison, FAQ, Resource)


applying = ContextVar("applying_due_revisions", default=False)


def apply_due_revisions(now) -> int:
    """Put every scheduled revision whose time has come onto its live item.

    Called when the content version is recomputed, which happens when a
    schedule boundary passes, so a scheduled revision goes live on the first
    request after its time: no cron. Returns how many were applied.
    """
    if applying.get():
        return 0
    token = applying.set(True)
    try:
        applied = 0
        for model in publishable_models():
            due = model.objects.using(DEFAULT_DB_ALIAS).filter(
                revision_of__isnull=False,
                status=PublicationStatus.PUBLISHED,
                publish_at__lte=now,
            )
            for revision in due:
                try:
                    publish_revision(revision, reason="Scheduled revision published.")
                except ValidationError as refused:
                    # Never a failed read: the revision goes back to its holder.
                    hold_back(revision, " ".join(refused.messages))
                    continue
                applied += 1
        return applied
    finally:
        applying.reset(token)


def hold_back(revision, reason: str) -> None:
    """A scheduled revision that may not be published returns to draft, with
    the reason in its review thread and in the log; the live item stays."""
    from content.models import ReviewNote, ReviewNoteKind

    logger.warning("Scheduled revision %s held back: %s", revision.pk, reason)
    type(revision).objects.filter(pk=revision.pk).update(
        status=PublicationStatus.DRAFT, publish_at=None
    )
    ReviewNote.objects.create(
        item=revision,
        kind=ReviewNoteKind.COMMENT,
        text=f"Not published at its scheduled time: {reason}",
        content_hash=revision.content_hash,
    )


def discard_revision(revision, user) -> None:
    """Drop a revision; its review thread stays with the live item."""
    from content.models import ReviewNote

    with transaction.atomic():
        ReviewNote.objects.about(revision).update(object_id=revision.revision_of_id)
        revision._change_reason = f"Revision discarded by {user}."[
            :CHANGE_REASON_MAX_LENGTH
        ]
        revision.delete()


PREVIEW_SALT = "content.preview"
# How long a signed API preview link works.
PREVIEW_MAX_AGE = 60 * 60


def preview_token(item) -> str:
    """A signed token naming an item and the exact content previewed."""
    return signing.dumps(
        {"model": item._meta.model_name, "pk": item.pk, "hash": item.content_hash},
        salt=PREVIEW_SALT,
    )


class PreviewUnavailable(Exception):
    """A preview token that names nothing previewable; ``gone`` if it once did."""

    def __init__(self, reason: str, gone: bool):
        super().__init__(reason)
        self.gone = gone


def previewed_item(token: str):
    """The item a preview token names, while its content is unchanged."""
    try:
        claim = signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.SignatureExpired as expired:
        raise PreviewUnavailable("This preview link has expired.", gone=True) from (
            expired
        )
    except signing.BadSignature as bad:
        raise PreviewUnavailable("No such preview.", gone=False) from bad
    models = {model._meta.model_name: model for model in publishable_models()}
    model = models.get(claim.get("model")) if isinstance(claim, dict) else None
    if model is None:
        raise PreviewUnavailable("No such preview.", gone=False)
    item = model.objects.filter(pk=claim.get("pk")).first()
    if item is None:
        raise PreviewUnavailable(
            "The previewed content no longer exists (published or discarded).",
            gone=True,
        )
    if item.content_hash != claim.get("hash"):
        raise PreviewUnavailable(
            "The content changed after this preview link was made; make a new one.",
            gone=True,
        )
    return item


previewing = ContextVar("previewing", default=False)


@contextmanager
def as_published(item):
    """The item as publishing it now would make it, inside a transaction that
    is always rolled back: previews render from exactly what publishing does.

    While previewing, content changes move no shared cache entries.
    """
    model = type(item)
    token = previewing.set(True)
    try:
        with transaction.atomic():
            fresh = model.objects.get(pk=item.pk)
            if not fresh.review_is_valid:
                # Publishing will credit whoever approves these words; until
                # then the preview credits nobody.
                for name in REVIEW_FIELDS:
                    setattr(fresh, name, None)
                fresh.save()
            if fresh.is_revision:
                live = publish_revision(fresh, reason="Preview.", check_review=False)
            else:
                fresh.status = PublicationStatus.PUBLISHED
                fresh.publish_at = None
                fresh.unpublish_at = None
                fresh.save()
                live = fresh
            try:
                yield live
            finally:
                transaction.set_rollback(True)
    finally:
        previewing.reset(token)

"""The change feed: what the public sees change, recorded in commit order.

Events are derived from what the public sees, never from editors' saves: the
feed keeps, per public item, its address and a fingerprint of its stored
documents (``PublicState``), and *reconciles* items against what is public
now. An item that became public is ``published``; one whose documents or
address changed is ``updated`` (a new address: ``unpublished`` at the old one,
``published`` at the new); one no longer public is ``unpublished`` or, when
its row is gone, ``deleted``. An item that was never public makes no event,
so a draft saved and discarded leaves no trace.

Items are reconciled

- after an edit commits, once ``publishing`` has rendered what it shows
  (``publishing.receivers.record_public_changes``);
- when the feed is read, for every item whose publication time (or whose
  page's) passed since the last look: no cron, as for the documents;
- all of them, in the worker (``feed.tasks``), queued by the first read
  ``FEED_FULL_RECONCILE_SECONDS`` after the last full pass, for writes that
  skip Django's signals, and by an edit shown by more items than an edit
  renders at once.

Every reconcile locks the one ``FeedClock`` row first and takes sequences
from it, so reconciles never interleave and the sequence order is the commit
order: a reader never sees a sequence before a smaller one has committed.
"""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import F, Q
from django.utils import timezone

from api.caching import strong_etag
from content.revisions import apply_due_revisions
from publishing import documents
from publishing.models import Document
from webhooks import outbox

from .models import WITHDRAWALS, Change, ChangeType, FeedClock, PublicState

Key = tuple[str, int]  # (kind, item id)
# The log and its clock are read where they are written, never on a replica
# that may lag behind them: a cursor must never look ahead of the log.
PRIMARY = DEFAULT_DB_ALIAS
CLOCK_ID = 1


def full_reconcile_interval() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.FEED_FULL_RECONCILE_SECONDS)


def locked_clock() -> FeedClock:
    """The clock row, locked until the transaction ends (created once)."""
    clock, _ = FeedClock.objects.select_for_update().get_or_create(pk=CLOCK_ID)
    return clock


def public_addresses(keys: Iterable[Key] | None, now) -> dict[Key, str]:
    """The address (lookup) of each of these items that is public now; every
    public item when ``keys`` is None."""
    wanted = documents.group(keys) if keys is not None else None
    found = {}
    for name, kind in documents.KINDS.items():
        public = kind.model.objects.published(now)
        if wanted is not None:
            if name not in wanted:
                continue
            public = public.filter(pk__in=wanted[name])
        for pk, lookup in public.values_list("pk", kind.lookup_field):
            found[(name, pk)] = str(lookup)
    return found


def is_due(document: Document, now) -> bool:
    """Whether the document must be rendered before it says what its URL
    serves: it was marked stale by an edit, or a publication time it depends
    on has passed. A document only past its recheck interval still holds the
    bytes its URL serves (bar a write that skipped signals, which the recheck
    exists for)."""
    return document.valid_until <= now and (
        document.valid_until < document.rendered_at + documents.recheck_interval()
    )


def due_documents(keys: Iterable[Key] | None, now):
    """Stored documents of these items (all when None) that ``is_due``."""
    condition = Q(valid_until__lte=now) & Q(
        valid_until__lt=F("rendered_at") + documents.recheck_interval()
    )
    due = Document.objects.filter(condition)
    if keys is not None:
        due = due.filter(in_items(keys))
    return due


def in_items(keys: Iterable[Key]) -> Q:
    condition = Q(pk__in=[])
    for name, ids in documents.group(keys).items():
        condition |= Q(kind=name, item_id__in=ids)
    return condition


def fingerprints(
    public: dict[Key, str], now, everything: bool, render: set[Key]
) -> dict[Key, str]:
    """A fingerprint of each public item's documents, rendering first those
    in ``render`` and those that are due or missing."""
    if everything:
        stored, due = Document.objects.all(), due_documents(None, now)
    else:
        stored = Document.objects.filter(in_items(public.keys()))
        due = due_documents(public.keys(), now)
    to_render = set(due.values_list("kind", "item_id")) | render
    etags = defaultdict(list)
    for kind, item_id, name, etag in stored.values_list(
        "kind", "item_id", "representation", "etag"
    ):
        etags[(kind, item_id)].append(f"{name}={etag}")
    for key in public:
        if len(etags.get(key, ())) != len(documents.KINDS[key[0]].representations):
            to_render.add(key)
    to_render &= public.keys()
    if to_render:
        render_in_batches(to_render, now)
        for key in to_render:
            etags.pop(key, None)
        rendered = stored if everything else stored.filter(in_items(to_render))
        for kind, item_id, name, etag in rendered.values_list(
            "kind", "item_id", "representation", "etag"
        ):
            if (kind, item_id) in to_render:
                etags[(kind, item_id)].append(f"{name}={etag}")
    return {
        key: hashlib.sha256("\n".join(sorted(etags[key])).encode()).hexdigest()
        for key in public
        if etags.get(key)
    }


def render_in_batches(keys: set[Key], now) -> None:
    """Render these items' documents a batch at a time, as a full rebuild
    does: a library never loaded into memory at once."""
    ordered = sorted(keys)
    for start in range(0, len(ordered), documents.RENDER_BATCH_SIZE):
        documents.rebuild(ordered[start : start + documents.RENDER_BATCH_SIZE], now)


def reconcile(keys: Iterable[Key], now=None) -> list[Change]:
    """Record what changed for the public in these items since the feed last
    looked at them; returns the new entries."""
    now = now or timezone.now()
    keys = {key for key in keys if key[0] in documents.KINDS}
    if not keys:
        return []
    with transaction.atomic():
        return record(locked_clock(), keys, now)


def record(
    clock: FeedClock, keys: set[Key] | None, now, render: set[Key] = frozenset()
) -> list[Change]:
    """Compare these items (every item when None) with their public state and
    append what changed; ``render`` names items whose documents must be
    rendered first (a publication time passed for something they show)."""
    everything = keys is None
    public = public_addresses(keys, now)
    prints = fingerprints(public, now, everything, set(render))
    states = PublicState.objects.all()
    if not everything:
        states = states.filter(in_items(keys))
    known = {(state.kind, state.item_id): state for state in states}
    withdrawn = [key for key in known if key not in prints]
    still_there = existing_rows(withdrawn)
    # Withdrawals first: an address freed and taken again in one change ends
    # up taken.
    withdrawals: list[tuple[str, Key, str]] = []
    publications: list[tuple[str, Key, str]] = []
    created, changed = [], []
    for key in sorted(known.keys() | prints.keys(), key=address_order(public, known)):
        state = known.get(key)
        if key not in prints:
            if state is not None:
                gone = ChangeType.UNPUBLISHED if key in still_there else None
                withdrawals.append((gone or ChangeType.DELETED, key, state.lookup))
            continue
        lookup, fingerprint = public[key], prints[key]
        if state is None:
            publications.append((ChangeType.PUBLISHED, key, lookup))
            created.append(
                PublicState(
                    kind=key[0], item_id=key[1], lookup=lookup, fingerprint=fingerprint
                )
            )
            continue
        if state.lookup != lookup:
            # The feed speaks of addresses: the old one is withdrawn.
            withdrawals.append((ChangeType.UNPUBLISHED, key, state.lookup))
            publications.append((ChangeType.PUBLISHED, key, lookup))
        elif state.fingerprint != fingerprint:
            publications.append((ChangeType.UPDATED, key, lookup))
        else:
            continue
        state.lookup, state.fingerprint = lookup, fingerprint
        changed.append(state)
    if withdrawn:
        PublicState.objects.filter(in_items(withdrawn)).delete()
    PublicState.objects.bulk_create(created)
    PublicState.objects.bulk_update(changed, ["lookup", "fingerprint"])
    entries = []
    for change_type, (kind, item_id), lookup in withdrawals + publications:
        clock.last_sequence += 1
        entries.append(
            Change(
                sequence=clock.last_sequence,
                type=change_type,
                kind=kind,
                item_id=item_id,
                lookup=lookup,
                at=now,
            )
        )
    clock.save(update_fields=["last_sequence"])
    entries = Change.objects.bulk_create(entries)
    # Webhook deliveries go to the outbox in the same transaction: never lost,
    # never sent for a change that rolled back.
    outbox.record(entries)
    if entries:
        # robust: a queue hiccup must not fail the change; the endpoint
        # builds a bundle itself when the one it has is unsafe to serve.
        transaction.on_commit(queue_snapshot_build, robust=True)
    return entries


def queue_snapshot_build() -> None:
    from feed.tasks import build_snapshots

    build_snapshots.enqueue()


def address_order(public: dict[Key, str], known: dict[Key, PublicState]):
    """Entries of one reconcile in a reproducible order: by kind, then address."""
    kinds = list(documents.KINDS)

    def order(key: Key):
        lookup = public.get(key) or known[key].lookup
        return kinds.index(key[0]), lookup, key[1]

    return order


def existing_rows(keys: Iterable[Key]) -> set[Key]:
    """Which of these items still have a row (unpublished, not deleted)."""
    found = set()
    for name, ids in documents.group(keys).items():
        model = documents.KINDS[name].model
        for pk in model.objects.filter(pk__in=ids).values_list("pk", flat=True):
            found.add((name, pk))
    return found


def scheduled_between(start, end) -> tuple[set[Key], bool]:
    """Items whose publish or unpublish time falls in (start, end], with
    their children, and whether a scheduled revision fell due."""
    keys, revision_due = set(), False
    moment = Q(publish_at__gt=start, publish_at__lte=end) | Q(
        unpublish_at__gt=start, unpublish_at__lte=end
    )
    for name, kind in documents.KINDS.items():
        rows = kind.model.objects.filter(moment).values_list("pk", "revision_of_id")
        for pk, revision_of in rows:
            revision_due |= revision_of is not None
            keys.add((name, revision_of or pk))
    topics = documents.group(keys).get("topic")
    if topics:  # FAQs and comparisons are public only with their topic.
        for name in ("faq", "comparison"):
            model = documents.KINDS[name].model
            for pk in model.objects.filter(topic_id__in=topics).values_list(
                "pk", flat=True
            ):
                keys.add((name, pk))
    return keys, revision_due


def catch_up(now=None) -> int:
    """Bring the feed up to ``now`` before it is read: the items whose
    publication times (or their pages') passed since the last look. When a
    full reconcile is due it is queued (``feed.tasks.reconcile_everything``),
    never run in the read. Returns the last sequence: the position the feed
    is now at. A read with nothing to do writes nothing."""
    now = now or timezone.now()
    clock = read_clock()
    if clock is None or needs_full_reconcile(clock, now):
        queue_full_reconcile(now)
        clock = read_clock()  # The immediate backend (tests) has run it.
    if clock is None or clock.checked_until is None or clock.checked_until >= now:
        return clock.last_sequence if clock else 0
    scheduled, revision_due = scheduled_between(clock.checked_until, now)
    if not scheduled:
        return clock.last_sequence
    if revision_due:
        apply_due_revisions(now)  # Its own commit reconciles its item.
    with transaction.atomic():
        clock = locked_clock()
        reconcile_scheduled(clock, now, full=False)
        return clock.last_sequence


def read_clock() -> FeedClock | None:
    return FeedClock.objects.using(PRIMARY).filter(pk=CLOCK_ID).first()


def reconcile_scheduled(clock: FeedClock, now, full: bool) -> None:
    """Under the clock's lock: reconcile the items whose publication times
    passed since the clock last looked (every item when ``full``), and move
    the clock on to ``now``."""
    scheduled = set()
    if clock.checked_until and clock.checked_until < now:
        scheduled, _ = scheduled_between(clock.checked_until, now)
    # Their documents' valid_until may be the recheck, not the moment.
    render = documents.items_showing(scheduled) | scheduled
    if full or render:
        record(clock, None if full else render, now, render)
    if full:
        clock.full_check_at = now
    clock.checked_until = max(filter(None, [clock.checked_until, now]))
    clock.save()


def reconcile_everything(now=None) -> int:
    """Compare every item with what the feed last recorded (the full
    reconcile, run by the worker): the bound for writes that skip signals.
    Returns the position the feed is then at."""
    now = now or timezone.now()
    apply_due_revisions(now)  # Its own commit reconciles its item.
    with transaction.atomic():
        clock = locked_clock()
        reconcile_scheduled(clock, now, full=True)
        return clock.last_sequence


def queue_full_reconcile(now) -> None:
    """Queue the full reconcile, at most once per FEED_FULL_RECONCILE_SECONDS
    however many reads find it due: a lost task is queued again a full
    interval later."""
    from feed.tasks import reconcile_everything_task

    FeedClock.objects.get_or_create(pk=CLOCK_ID)
    claimed = (
        FeedClock.objects.filter(pk=CLOCK_ID)
        .filter(
            Q(full_check_queued_at__isnull=True)
            | Q(full_check_queued_at__lte=now - full_reconcile_interval())
            | Q(full_check_queued_at__gt=now)  # a clock that went back
        )
        .update(full_check_queued_at=now)
    )
    if claimed:
        reconcile_everything_task.enqueue()


def needs_full_reconcile(clock: FeedClock, now) -> bool:
    return (
        clock.full_check_at is None
        or clock.checked_until is None
        or clock.full_check_at + full_reconcile_interval() <= now
    )


def after_edit(rows: set[Key], pages: set[Key]) -> None:
    """Reconcile what a committed edit touched (called once ``publishing`` has
    rendered it). An edit shown by more items than an edit renders at once
    (a reviewer's name) queues a full reconcile for them."""
    affected = documents.items_showing(rows) | pages
    if len(affected) > documents.EAGER_RENDER_LIMIT:
        from feed.tasks import reconcile_everything_task

        reconcile_everything_task.enqueue()
        affected = {key for key in rows | pages if key[0] in documents.KINDS}
    reconcile(affected)


def pruned_through() -> int:
    """The last sequence compacted away: cursors before it are expired."""
    clock = read_clock()
    return clock.pruned_through if clock else 0


def compact(before) -> int:
    """Drop the entries recorded before ``before`` (the retention window's
    start), remembering the last one dropped so that cursors before it are
    answered as expired, never with a silent gap. Returns how many."""
    with transaction.atomic():
        clock = locked_clock()
        old = Change.objects.filter(at__lt=before)
        last = old.order_by("-sequence").values_list("sequence", flat=True).first()
        if last is None:
            return 0
        # Everything up to the last old entry goes, so the log stays one
        # unbroken tail (`at` may step back a little between sequences).
        deleted, _ = Change.objects.filter(sequence__lte=last).delete()
        clock.pruned_through = max(clock.pruned_through, last)
        clock.save(update_fields=["pruned_through"])
        return deleted


def entries_after(sequence: int, limit: int) -> tuple[list[Change], bool]:
    """Up to ``limit`` entries after ``sequence``, and whether more follow."""
    entries = Change.objects.using(PRIMARY).filter(sequence__gt=sequence)
    page = list(entries[: limit + 1])
    return page[:limit], len(page) > limit


def current_etags(changes: list[Change], origin: str, now) -> dict[tuple, str]:
    """The ETag each address in ``changes`` answers with now on ``origin``
    ("https://host"), for the addresses that are public now: the hash of the
    exact bytes that URL sends there."""
    return {
        address: strong_etag(documents.for_origin(bytes(document.body), origin))
        for address, document in current_details(changes, now).items()
    }


def current_details(changes: list[Change], now) -> dict[tuple[str, str], Document]:
    """The detail document each address in ``changes`` serves now, for those
    addresses that are public now (withdrawals name none)."""
    wanted = defaultdict(set)
    for change in changes:
        if change.type not in WITHDRAWALS:
            wanted[change.kind].add(change.lookup)
    found = {}
    for name, lookups in wanted.items():
        kind = documents.KINDS[name]
        public = kind.model.objects.published(now).filter(
            **{f"{kind.lookup_field}__in": lookups}
        )
        rows = Document.objects.filter(
            kind=name,
            representation=documents.DETAIL,
            lookup__in=lookups,
            item_id__in=public.values("pk"),
        ).only("kind", "item_id", "lookup", "body", "valid_until", "rendered_at")
        for document in rows:
            if is_due(document, now):
                document = documents.find(name, document.lookup, documents.DETAIL, now)
                if document is None:
                    continue
            found[(name, document.lookup)] = document
    return found

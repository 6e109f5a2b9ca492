"""Who may do what in the editorial workflow.

Roles are Django groups (created by migration ``0002_roles``) holding model
permissions; these helpers read permissions, never group names, so a site can
compose its own roles.

- Editors write drafts and revisions and submit them for review.
- Medical reviewers approve exactly the content they read, or request
  changes (``review_<model>``).
- Publishers publish, schedule, unpublish and archive (``publish_<model>``).

Nobody edits live content: a change to a live item is made in a revision
(``content.revisions``), which goes live only when reviewed and published.
"""

from content.models import Publishable
from content.models.publication import DRAFTING_STATUSES, PublicationStatus

ROLE_EDITORS = "Editors"
ROLE_MEDICAL_REVIEWERS = "Medical reviewers"
ROLE_PUBLISHERS = "Publishers"
REVIEW_FIELDS = ("last_reviewed_on", "reviewed_by", "next_review_due")


def can_publish(user, model: type[Publishable]) -> bool:
    return user.has_perm(model.permission_name("publish"))


def can_review(user, model: type[Publishable]) -> bool:
    return user.has_perm(model.permission_name("review"))


def allowed_statuses(user, model: type[Publishable]) -> list[str]:
    """Statuses a form may set; published and archived are set by actions."""
    return list(DRAFTING_STATUSES)


def can_edit_content(user, item: Publishable | None, status: str | None = None) -> bool:
    """Whether the user may change the content of this item.

    ``status`` is the item's saved status when the caller knows it (the admin
    decides on the saved status: a form or an old version may carry another).
    Drafts are open to every editor; a revision only to the person holding
    it; live and archived content to nobody.
    """
    if item is None or item.pk is None:
        return True
    status = status or item.status
    if status not in DRAFTING_STATUSES:
        return False
    return not item.is_revision or item.revision_opened_by_id == user.pk


def can_start_revision(user, item: Publishable) -> bool:
    """Live items are changed through a revision, by anyone who may edit."""
    return (
        item.pk is not None
        and not item.is_revision
        and item.status == PublicationStatus.PUBLISHED
        and user.has_perm(f"{item._meta.app_label}.change_{item._meta.model_name}")
    )


def can_discard_revision(user, revision: Publishable) -> bool:
    return revision.is_revision and (
        revision.revision_opened_by_id == user.pk or can_publish(user, type(revision))
    )


def can_change_shared(user, row) -> bool:
    """Whether the user may change or delete a source or reviewer row.

    A source's words are part of the reviewed content of every item citing
    it: while a published item cites it, nobody changes it (a revision cites
    a new source instead). A reviewer's credit line may be corrected by those
    allowed to publish every item showing it.
    """
    live = row.live_items()
    if live and row.frozen_while_live:
        return False
    return all(can_publish(user, type(item)) for item in live)

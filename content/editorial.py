"""Who may do what in the editorial workflow.

Roles are Django groups (created by migration ``0002_roles``) holding model
permissions; these helpers read permissions, never group names, so a site can
compose its own roles.

- Editors write drafts and submit them for review.
- Medical reviewers record reviews (``review_<model>``).
- Publishers publish, unpublish and archive (``publish_<model>``), and may
  edit published content.
"""

from content.models import PublicationStatus, Publishable

# Statuses anyone with change permission may set; the rest need publish rights.
DRAFTING_STATUSES = (PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW)
ROLE_EDITORS = "Editors"
ROLE_MEDICAL_REVIEWERS = "Medical reviewers"
ROLE_PUBLISHERS = "Publishers"
REVIEW_FIELDS = ("last_reviewed_on", "reviewed_by", "next_review_due")


def can_publish(user, model: type[Publishable]) -> bool:
    return user.has_perm(model.permission_name("publish"))


def can_review(user, model: type[Publishable]) -> bool:
    return user.has_perm(model.permission_name("review"))


def allowed_statuses(user, model: type[Publishable]) -> list[str]:
    if can_publish(user, model):
        return list(PublicationStatus.values)
    return list(DRAFTING_STATUSES)


def can_edit_content(user, obj: Publishable | None) -> bool:
    """Whether the user may change the content of this item (not only its review).

    Published and archived items are live or on record: only publishers edit
    them, so an editor's change never goes public unreviewed.
    """
    if obj is None:
        return True
    return can_edit_content_with_status(user, type(obj), obj.status)


def can_edit_content_with_status(
    user, model: type[Publishable], status: str | None
) -> bool:
    """``can_edit_content`` for an item known by its saved status (None: unsaved).

    The admin decides on the saved status: a form or an old version in the
    history may carry another one.
    """
    return status is None or status in DRAFTING_STATUSES or can_publish(user, model)


def can_change_shared(user, row) -> bool:
    """Whether the user may change or delete a source or reviewer row.

    While a published item shows the row, changing it changes that item's
    public content, so it takes the right to publish every such item.
    """
    return all(can_publish(user, type(item)) for item in row.live_items())

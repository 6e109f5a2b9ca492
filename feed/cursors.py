"""Feed cursors: opaque, signed positions in the change log.

A cursor is the sequence of the last entry a client has seen, with the
cursor format's version, signed with the project's secret key so a client
can neither forge one nor read meaning into it. It stays valid for the feed's
``retention()``; an older one, one of another format version, one whose next
entries were compacted away (``manage.py prune``), or one ahead of this
database's log (a restored backup) is *expired*: the client starts again from
the snapshot.
"""

import datetime

from django.conf import settings
from django.core import signing

VERSION = 1
SALT = "feed.cursor"
MAX_LENGTH = 200


def retention() -> datetime.timedelta:
    """How long the feed keeps its entries (``FEED_RETENTION_DAYS``), and so
    how long a cursor stays valid: the one definition of the window."""
    return datetime.timedelta(days=settings.FEED_RETENTION_DAYS)


class InvalidCursor(ValueError):
    """Not a cursor this feed gave out."""


class ExpiredCursor(ValueError):
    """A cursor this feed gave out that it can no longer continue from."""


def encode(sequence: int) -> str:
    return signing.dumps({"v": VERSION, "s": sequence}, salt=SALT)


def decode(cursor: str, last_sequence: int, pruned_through: int = 0) -> int:
    """The sequence a cursor stands for, given the log's last sequence and the
    last one compacted away; raises InvalidCursor or ExpiredCursor."""
    if not cursor or len(cursor) > MAX_LENGTH:
        raise InvalidCursor("Not a cursor of this feed.")
    try:
        position = signing.loads(cursor, salt=SALT, max_age=retention())
    except signing.SignatureExpired:
        raise ExpiredCursor(
            f"Cursors expire after {retention().days} days; "
            "start again from the snapshot."
        ) from None
    except (signing.BadSignature, ValueError):
        raise InvalidCursor("Not a cursor of this feed.") from None
    if not isinstance(position, dict) or not isinstance(position.get("s"), int):
        raise InvalidCursor("Not a cursor of this feed.")
    if position.get("v") != VERSION or not 0 <= position["s"] <= last_sequence:
        raise ExpiredCursor(
            "This cursor belongs to an earlier feed; start again from the snapshot."
        )
    if position["s"] < pruned_through:
        raise ExpiredCursor(
            f"The changes after this cursor are older than {retention().days} "
            "days and no longer kept; start again from the snapshot."
        )
    return position["s"]

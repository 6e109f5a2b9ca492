import datetime
import io
import math
import signal
from importlib import import_module

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.core.management import call_command
from django.utils import timezone
from redis.connection import Connection

from content.models import (
    FAQ,
    Comparison,
    ComparisonOption,
    PublicationStatus,
    Resource,
    Reviewer,
    Topic,
)
from content.revisions import content_hash

REVIEWED_ON = datetime.date(2026, 11, 1)
FROZEN_NOW = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)


IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Tasks run as they are queued, in the test's own process: tests that are
    not about the queue see its work done (tests/test_tasks.py runs the real
    database queue and its worker)."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def clock(time_machine):
    """Time frozen at FROZEN_NOW; tests move it on with ``clock.shift()``."""
    time_machine.move_to(FROZEN_NOW, tick=False)
    return time_machine


@pytest.fixture
def reviewer(db):
    return Reviewer.objects.create(name="Dana Reyes", credentials="MD, FASAM")


def reviewed(reviewer, **fields):
    return {
        "status": PublicationStatus.PUBLISHED,
        "last_reviewed_on": REVIEWED_ON,
        "reviewed_by": reviewer,
        "next_review_due": REVIEWED_ON + datetime.timedelta(days=365),
        **fields,
    }


def approve(item):
    """Bind the item's review to its content as it stands now, as a medical
    reviewer's approval does; items built row by row are approved last."""
    item.content_hash = item.reviewed_hash = content_hash(item)
    type(item).objects.filter(pk=item.pk).update(
        content_hash=item.content_hash, reviewed_hash=item.reviewed_hash
    )
    return item


@pytest.fixture
def published_topic(reviewer):
    return approve(
        Topic.objects.create(
            **reviewed(
                reviewer,
                slug="heroin-rehab",
                title="Heroin rehab",
                summary="How heroin rehab works.",
                body="Heroin rehab is **essential**.",
            )
        )
    )


@pytest.fixture
def draft_topic(db):
    return Topic.objects.create(
        slug="draft-topic", title="Draft topic", summary="Not yet public."
    )


@pytest.fixture
def published_comparison(reviewer, published_topic):
    comparison = Comparison.objects.create(
        **reviewed(
            reviewer,
            slug="inpatient-vs-outpatient",
            title="Inpatient vs. outpatient heroin rehab",
            topic=published_topic,
            summary="Living at the facility or at home.",
        )
    )
    for position, (key, name) in enumerate(
        [("inpatient", "Inpatient rehab"), ("outpatient", "Outpatient rehab")]
    ):
        ComparisonOption.objects.create(
            comparison=comparison, position=position, key=key, name=name
        )
    return approve(comparison)


@pytest.fixture
def draft_comparison(draft_topic):
    comparison = Comparison.objects.create(
        slug="detox-at-home-or-in-clinic",
        title="Detox at home or in a clinic",
        topic=draft_topic,
        summary="Where withdrawal happens.",
    )
    for position, (key, name) in enumerate([("home", "At home"), ("clinic", "Clinic")]):
        ComparisonOption.objects.create(
            comparison=comparison, position=position, key=key, name=name
        )
    return comparison


@pytest.fixture
def published_faq(reviewer, published_topic):
    return approve(
        FAQ.objects.create(
            **reviewed(
                reviewer,
                topic=published_topic,
                question="How long does rehab last?",
                answer="Usually **30 to 90 days**.",
            )
        )
    )


@pytest.fixture
def published_resource(reviewer):
    return approve(
        Resource.objects.create(
            **reviewed(
                reviewer,
                slug="samhsa-national-helpline",
                name="SAMHSA's National Helpline",
                kind="helpline",
                phone="1-800-662-4357",
                description="Free, confidential, 24/7.",
            )
        )
    )


def role_group(name: str) -> Group:
    """The role's group, rebuilt from the role migrations if a transactional
    test's flush removed it (flushes recreate permissions, not groups)."""
    group, created = Group.objects.get_or_create(name=name)
    if created:
        codenames = set(import_module("content.migrations.0002_roles").ROLES[name])
        if name == "Medical reviewers":
            items = import_module("content.migrations.0012_reviewers_review_not_edit")
            codenames -= {f"change_{item}" for item in items.ITEMS}
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="content", codename__in=codenames
            )
        )
    return group


def member(django_user_model, username: str, group: str, password="unused"):
    """A staff account in one of the editorial roles (groups)."""
    user = django_user_model.objects.create_user(
        username=username, password=password, is_staff=True
    )
    user.groups.add(role_group(group))
    return user


@pytest.fixture
def editor(django_user_model):
    return member(django_user_model, "edith", "Editors")


@pytest.fixture
def publisher(django_user_model):
    return member(django_user_model, "paul", "Publishers")


@pytest.fixture
def medical_reviewer(django_user_model, reviewer):
    user = member(django_user_model, "dana", "Medical reviewers")
    reviewer.user = user
    reviewer.save()
    return user


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture(autouse=True)
def no_outage_left_over():
    """Each test starts with Redis usable and no outage remembered or logged.

    (Without the monkeypatch fixture, which would then be undone only after
    the test database is gone.)
    """
    from api import problems
    from content.models import changes
    from rehabinfo import health
    from rehabinfo.cache import shared_cache

    shared_cache.reset()
    changes.last_seen_version = None
    problems.database_outage.logged_at = -math.inf
    health.not_ready.logged_at = -math.inf
    yield
    shared_cache.reset()


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttle counters and cached responses never leak between tests."""
    for alias in ("default", "throttle"):
        caches[alias].clear()
    yield
    for alias in ("default", "throttle"):
        caches[alias].clear()


@pytest.fixture
def seed_content(db):
    """The seed articles' content, as loaded by ``make seed``."""
    call_command("loaddata", "seed", verbosity=0)


@pytest.fixture
def unthrottled(monkeypatch, settings):
    """No rate limit, for tests that send hundreds of requests (fuzzing)."""
    from api.throttling import PartnerRateThrottle

    monkeypatch.setattr(PartnerRateThrottle, "THROTTLE_RATES", {"anon": None})
    settings.PARTNER_RATE_TIERS = dict.fromkeys(settings.PARTNER_RATE_TIERS)


@pytest.fixture
def partner(db):
    """An active partner site allowed to embed from its two origins."""
    from partners.models import Partner

    return Partner.objects.create(
        name="Clinic Finder",
        contact_name="Sam Lee",
        contact_email="sam@clinic.example",
        allowed_origins="https://clinic.example\nhttp://localhost:8000",
    )


def run_task_worker() -> None:
    """``manage.py db_worker --batch``: run every task that is ready, then
    return. The command installs its own SIGINT/SIGTERM handlers; the test
    process gets its own back."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def render_every_document() -> None:
    """Render every stored document, as ``make seed`` does.

    Browser tests need it: the live server answers a page's parallel requests
    in threads that share one in-memory SQLite connection, and two first
    reads rendering the same documents at once break each other's savepoints.
    """
    call_command("render_documents", jobs=1, stdout=io.StringIO())


@pytest.fixture
def redis_round_trips(monkeypatch):
    """Commands (or pipelines) sent to Redis, one entry per round trip."""
    sent = []
    send_packed_command = Connection.send_packed_command

    def counting(connection, command, *args, **kwargs):
        sent.append(command)
        return send_packed_command(connection, command, *args, **kwargs)

    monkeypatch.setattr(Connection, "send_packed_command", counting)
    return sent

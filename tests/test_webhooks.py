"""Signed webhooks: the outbox, sending in order with retries, SSRF, admin."""

import datetime
import json
import logging
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from standardwebhooks import Webhook, WebhookVerificationError

from tests.conftest import run_task_worker
from webhooks import network, sending
from webhooks.models import (
    FAILURES_BEFORE_DISABLING,
    RETRY_DELAYS,
    SECRET_OVERLAP,
    Delivery,
    Endpoint,
    EventType,
    retry_delay,
)
from webhooks.network import RefusedTarget, resolve_target
from webhooks.outbox import record

ALL_EVENTS = EventType.values
AT = datetime.datetime(2026, 11, 23, 11, 59, tzinfo=datetime.UTC)


@dataclass
class Change:
    sequence: int
    type: str
    kind: str
    item_id: int
    lookup: str | int
    at: datetime.datetime = AT


PUBLISHED = Change(1, "published", "topic", 7, "heroin-rehab")
UPDATED = Change(2, "updated", "faq", 12, 12)
DELETED = Change(3, "deleted", "topic", 7, "heroin-rehab")


class Receiver(HTTPServer):
    """A webhook receiver on 127.0.0.1 that keeps what it is sent and
    answers with the statuses queued in ``answers`` (then 204)."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.answers: list[int] = []

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server_port}{path}"

    def received(self, path: str = "/hook") -> list[tuple[dict[str, str], bytes]]:
        return [
            (headers, body) for where, headers, body in self.requests if where == path
        ]


class ReceiverHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((self.path, dict(self.headers), body))
        status = self.server.answers.pop(0) if self.server.answers else 204
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


@pytest.fixture(autouse=True)
def database_queue(settings):
    """The real database queue, whatever backend other tests run on: retries
    and leases are tasks with a run_after time."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_REFUSE_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def refuse_private(settings):
    settings.WEBHOOKS_REFUSE_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_ALLOWED_NETWORKS = []


def endpoint_at(url: str, events=ALL_EVENTS, **fields) -> Endpoint:
    return Endpoint.objects.create(
        url=url,
        description=fields.pop("description", "Mirror"),
        events=events,
        **fields,
    )


def verified(endpoint: Endpoint, headers: dict[str, str], body: bytes) -> dict:
    return Webhook(endpoint.secret).verify(body, headers)


run_worker = run_task_worker


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


# The outbox ---------------------------------------------------------------


def test_record_writes_one_delivery_per_change_and_interested_active_endpoint(db):
    everything = endpoint_at("https://mirror.example/hook")
    withdrawals = endpoint_at(
        "https://index.example/hook",
        events=[EventType.UNPUBLISHED, EventType.DELETED],
    )
    endpoint_at("https://old.example/hook", is_active=False)

    record([DELETED, PUBLISHED, UPDATED])

    assert [
        (delivery.endpoint, delivery.event_type, delivery.sequence)
        for delivery in Delivery.objects.in_sending_order().order_by(
            "endpoint", "sequence"
        )
    ] == [
        (everything, "content.published", 1),
        (everything, "content.updated", 2),
        (everything, "content.deleted", 3),
        (withdrawals, "content.deleted", 3),
    ]


def test_record_payload_names_the_item_and_its_public_api_url(db, settings):
    settings.API_CANONICAL_ORIGIN = "https://rehabinfo.example"
    endpoint_at("https://mirror.example/hook")

    record([PUBLISHED, UPDATED])

    assert [delivery.payload for delivery in Delivery.objects.in_sending_order()] == [
        {
            "type": "content.published",
            "timestamp": "2026-11-23T11:59:00+00:00",
            "data": {
                "kind": "topic",
                "slug": "heroin-rehab",
                "url": "https://rehabinfo.example/api/v1/topics/heroin-rehab/",
                "sequence": 1,
            },
        },
        {
            "type": "content.updated",
            "timestamp": "2026-11-23T11:59:00+00:00",
            "data": {
                "kind": "faq",
                "id": 12,
                "url": "https://rehabinfo.example/api/v1/faqs/12/",
                "sequence": 2,
            },
        },
    ]


def test_record_tombstone_carries_no_content(db):
    endpoint_at("https://mirror.example/hook")

    [delivery] = record([DELETED])

    assert delivery.payload["type"] == "content.deleted"
    assert set(delivery.payload["data"]) == {"kind", "slug", "url", "sequence"}


def test_record_in_a_rolled_back_transaction_leaves_nothing_to_send(
    transactional_db, receiver
):
    endpoint_at(receiver.url())

    with pytest.raises(RuntimeError), transaction.atomic():
        record([PUBLISHED])
        raise RuntimeError("the content change failed")
    run_worker()

    assert not Delivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert receiver.requests == []


# Sending through the worker ------------------------------------------------


def test_worker_delivers_each_event_once_per_endpoint_with_a_valid_signature(
    transactional_db, receiver
):
    mirror = endpoint_at(receiver.url("/mirror"))
    publications = endpoint_at(receiver.url("/news"), events=[EventType.PUBLISHED])

    with transaction.atomic():
        record([PUBLISHED, UPDATED, DELETED])
    run_worker()

    to_mirror = receiver.received("/mirror")
    assert [verified(mirror, *request)["type"] for request in to_mirror] == [
        "content.published",
        "content.updated",
        "content.deleted",
    ]
    assert len({headers["webhook-id"] for headers, _ in to_mirror}) == 3
    [(headers, body)] = receiver.received("/news")
    assert verified(publications, headers, body)["data"]["slug"] == "heroin-rehab"
    assert not Delivery.objects.exclude(status=Delivery.Status.DELIVERED).exists()


def test_worker_retries_with_backoff_then_delivers_in_order(
    transactional_db, receiver, clock
):
    endpoint = endpoint_at(receiver.url())
    receiver.answers = [503, 503, 503]  # down for three attempts

    with transaction.atomic():
        record([PUBLISHED, UPDATED])
    first = Delivery.objects.get(sequence=1)
    waits = []
    for _ in range(3):
        run_worker()
        first.refresh_from_db()
        waits.append(first.next_attempt_at - first.last_attempt_at)
        assert receiver.received()[-1][0]["webhook-id"] == first.webhook_id
        clock.shift(first.next_attempt_at - first.last_attempt_at)
    run_worker()

    assert waits == RETRY_DELAYS[:3]
    # Signed with the time of the attempt, so a late retry is not stale.
    assert verified(endpoint, *receiver.received()[3])["data"]["sequence"] == 1
    ids = [headers["webhook-id"] for headers, _ in receiver.received()]
    second = Delivery.objects.get(sequence=2)
    assert ids == [first.webhook_id] * 4 + [second.webhook_id]
    first.refresh_from_db()
    assert (first.status, first.attempts, first.last_response_status) == (
        Delivery.Status.DELIVERED,
        4,
        204,
    )
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


class WorkerCrash(BaseException):
    """The worker process dying: nothing after it runs."""


def test_crash_mid_delivery_redelivers_with_the_same_webhook_id(
    transactional_db, receiver, clock, monkeypatch
):
    endpoint = endpoint_at(receiver.url())
    with transaction.atomic():
        record([PUBLISHED])
    real_post = network.post

    def post_then_crash(*args):
        real_post(*args)
        raise WorkerCrash

    monkeypatch.setattr(network, "post", post_then_crash)
    run_worker()  # the attempt's outcome is never recorded
    monkeypatch.setattr(network, "post", real_post)
    assert Delivery.objects.get().status == Delivery.Status.PENDING
    run_worker()  # the crashed attempt's lease still holds
    assert len(receiver.received()) == 1
    clock.shift(sending.LEASE)
    run_worker()  # the task queued with the claim runs when the lease ends

    [first, second] = receiver.received()
    assert first[0]["webhook-id"] == second[0]["webhook-id"]
    assert verified(endpoint, *first) == verified(endpoint, *second)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DELIVERED, 2)


# Sending, one attempt at a time ------------------------------------------------


def test_later_delivery_waits_while_an_earlier_one_is_retried(db, receiver, clock):
    endpoint = endpoint_at(receiver.url())
    receiver.answers = [500]
    record([PUBLISHED, UPDATED])

    assert sending.send_due(endpoint.pk) == 0
    clock.shift(datetime.timedelta(seconds=4))
    assert sending.send_due(endpoint.pk) == 0

    assert len(receiver.received()) == 1
    assert Delivery.objects.get(sequence=2).attempts == 0


def test_redirect_is_a_failure_and_is_not_followed(db, receiver):
    endpoint = endpoint_at(receiver.url())
    receiver.answers = [302]
    record([PUBLISHED])

    assert sending.send_due(endpoint.pk) == 0

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_response_status) == ("pending", 302)
    assert len(receiver.requests) == 1


def test_endpoint_is_disabled_after_a_day_of_failures(db, clock, settings, caplog):
    settings.WEBHOOKS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    endpoint = endpoint_at(closed_port_url())
    record([PUBLISHED, UPDATED])

    with caplog.at_level(logging.WARNING, logger="webhooks.sending"):
        for failures in range(1, FAILURES_BEFORE_DISABLING + 1):
            sending.send_due(endpoint.pk)
            endpoint.refresh_from_db()
            assert endpoint.consecutive_failures == failures
            if failures < FAILURES_BEFORE_DISABLING:
                clock.shift(retry_delay(failures))

    assert not endpoint.is_active and endpoint.disabled_at is not None
    day_of_retries = sum(
        map(retry_delay, range(1, FAILURES_BEFORE_DISABLING)), datetime.timedelta()
    )
    assert datetime.timedelta(hours=23) < day_of_retries < datetime.timedelta(hours=24)
    first, second = Delivery.objects.in_sending_order()
    assert first.status == Delivery.Status.FAILED
    assert "ConnectionRefusedError" in first.last_error
    assert second.status == Delivery.Status.PENDING and second.attempts == 0
    assert "disabled after 10 failed attempts" in caplog.text


def test_re_enabled_endpoint_gets_what_it_missed_in_order(db, receiver, clock):
    endpoint = endpoint_at(receiver.url(), is_active=False)
    record([PUBLISHED])  # inactive: nothing for it
    endpoint.is_active = True
    endpoint.save()
    record([UPDATED, DELETED])
    Delivery.objects.filter(sequence=2).update(status=Delivery.Status.FAILED)
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_at=AT)

    assert sending.send_due(endpoint.pk) == 0  # disabled: nothing goes out
    assert endpoint.enable() == 1
    assert sending.send_due(endpoint.pk) == 2

    sequences = [
        json.loads(body)["data"]["sequence"] for _, body in receiver.received()
    ]
    assert sequences == [2, 3]


# SSRF -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://224.0.0.1/hook",
        "http://0.0.0.0/hook",
        "http://240.0.0.1/hook",
    ],
)
def test_ssrf_refuses_private_address_literals(refuse_private, url):
    with pytest.raises(RefusedTarget):
        resolve_target(url)


def test_ssrf_refuses_a_hostname_resolving_to_loopback(refuse_private):
    with pytest.raises(RefusedTarget, match="127.0.0.1|::1"):
        resolve_target("http://localhost:8000/hook")


@pytest.mark.parametrize("url", ["ftp://mirror.example/", "file:///etc/passwd"])
def test_ssrf_refuses_schemes_other_than_http(refuse_private, url):
    with pytest.raises(RefusedTarget, match="Only http"):
        resolve_target(url)


def test_ssrf_allows_public_addresses(refuse_private):
    target = resolve_target("https://93.184.215.14:8443/hook?x=1")

    assert (target.address, target.port, target.path) == (
        "93.184.215.14",
        8443,
        "/hook?x=1",
    )


def test_ssrf_check_at_send_time_defeats_dns_rebinding(
    db, refuse_private, receiver, monkeypatch, settings
):
    settings.WEBHOOKS_ALLOWED_NETWORKS = []
    endpoint = endpoint_at("http://mirror.example:8000/hook")
    record([PUBLISHED])

    def resolves_to_loopback(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolves_to_loopback)
    assert sending.send_due(endpoint.pk) == 0

    delivery = Delivery.objects.get()
    assert "resolves to 127.0.0.1" in delivery.last_error
    assert receiver.requests == []


# Admin ----------------------------------------------------------------------


def admin_url(model: str, view: str, *args) -> str:
    return reverse(f"admin:webhooks_{model}_{view}", args=args)


def shown_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_admin_shows_a_new_endpoints_secret_once(admin_client, receiver):
    response = admin_client.post(
        admin_url("endpoint", "add"),
        {
            "description": "Partner mirror",
            "url": receiver.url(),
            "events": ALL_EVENTS,
            "is_active": "on",
        },
        follow=True,
    )

    assert response.status_code == 200
    endpoint = Endpoint.objects.get()
    assert endpoint.secret.startswith("whsec_")
    assert any(endpoint.secret in message for message in shown_messages(response))
    for url in [
        admin_url("endpoint", "changelist"),
        admin_url("endpoint", "change", endpoint.pk),
    ]:
        page = admin_client.get(url)
        assert page.status_code == 200
        assert endpoint.secret not in page.content.decode()


def test_admin_refuses_an_endpoint_on_a_private_address(admin_client, refuse_private):
    response = admin_client.post(
        admin_url("endpoint", "add"),
        {"description": "Sneaky", "url": "http://10.1.2.3/", "events": ALL_EVENTS},
    )

    assert response.status_code == 200
    assert "only to public addresses" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_admin_rotates_a_secret_after_confirmation(admin_client, db):
    endpoint = endpoint_at("https://mirror.example/hook")
    old_secret = endpoint.secret
    action = {"action": "rotate_secret", "_selected_action": [endpoint.pk]}

    question = admin_client.post(admin_url("endpoint", "changelist"), action)
    assert "Yes, I’m sure" in question.content.decode()
    response = admin_client.post(
        admin_url("endpoint", "changelist"), {**action, "confirmed": "yes"}, follow=True
    )

    endpoint.refresh_from_db()
    assert endpoint.secret != old_secret
    assert any(endpoint.secret in message for message in shown_messages(response))


def test_admin_notice_names_a_disabled_endpoint_and_re_enables_it(admin_client, db):
    endpoint = endpoint_at(
        "https://mirror.example/hook",
        is_active=False,
        disabled_at=AT,
        consecutive_failures=FAILURES_BEFORE_DISABLING,
    )

    page = admin_client.get(admin_url("endpoint", "changelist"))
    assert "was disabled on 2026-11-23" in page.content.decode()
    admin_client.post(
        admin_url("endpoint", "changelist"),
        {"action": "enable", "_selected_action": [endpoint.pk]},
    )

    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.disabled_at is None
    assert (
        "was disabled"
        not in admin_client.get(admin_url("endpoint", "changelist")).content.decode()
    )


def test_admin_endpoint_list_loads_in_bounded_queries(
    admin_client, db, django_assert_max_num_queries
):
    for number in range(5):
        endpoint_at(f"https://mirror{number}.example/hook")
    record([PUBLISHED, UPDATED])

    with django_assert_max_num_queries(8):
        response = admin_client.get(admin_url("endpoint", "changelist"))

    assert response.status_code == 200
    assert "mirror4.example" in response.content.decode()


def test_admin_delivery_log_pages_load_read_only(
    admin_client, db, django_assert_max_num_queries
):
    endpoint = endpoint_at("https://mirror.example/hook")
    record([PUBLISHED, UPDATED, DELETED])
    delivery = Delivery.objects.first()

    with django_assert_max_num_queries(8):
        changelist = admin_client.get(
            admin_url("delivery", "changelist")
            + f"?status__exact=pending&endpoint__id__exact={endpoint.pk}"
        )
    detail = admin_client.get(admin_url("delivery", "change", delivery.pk))

    assert changelist.status_code == 200
    assert "topic heroin-rehab" in changelist.content.decode()
    assert detail.status_code == 200
    assert delivery.webhook_id in detail.content.decode()
    assert endpoint.secret not in detail.content.decode()
    assert admin_client.get(admin_url("delivery", "add")).status_code == 403


def test_admin_redeliver_sends_again_with_the_same_webhook_id(admin_client, receiver):
    endpoint = endpoint_at(receiver.url())
    record([PUBLISHED])
    sending.send_due(endpoint.pk)
    delivery = Delivery.objects.get()

    admin_client.post(
        admin_url("delivery", "changelist"),
        {"action": "redeliver", "_selected_action": [delivery.pk]},
    )
    sending.send_due(endpoint.pk)

    [first, second] = receiver.received()
    assert first[0]["webhook-id"] == second[0]["webhook-id"] == delivery.webhook_id


def test_admin_webhooks_are_not_for_editorial_roles(client, editor):
    client.force_login(editor)

    response = client.get(admin_url("endpoint", "changelist"))

    assert response.status_code == 403


def test_admin_ticking_active_again_sends_what_waited(
    admin_client, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_at(receiver.url())
    record([PUBLISHED])
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_at=AT)
    Delivery.objects.update(status=Delivery.Status.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            admin_url("endpoint", "change", endpoint.pk),
            {
                "description": endpoint.description,
                "url": endpoint.url,
                "events": ALL_EVENTS,
                "is_active": "on",
            },
        )

    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.disabled_at is None
    assert Delivery.objects.get().status == Delivery.Status.PENDING
    assert DBTaskResult.objects.filter(args_kwargs__args=[endpoint.pk]).exists()


def test_record_gives_a_faq_id_as_a_number(db):
    endpoint_at("https://mirror.example/hook")

    [delivery] = record([Change(4, "published", "faq", 12, "12")])

    assert delivery.payload["data"]["id"] == 12
    assert delivery.payload["data"]["url"].endswith("/api/v1/faqs/12/")


def test_endpoint_refuses_unknown_event_types(db):
    endpoint = Endpoint(
        url="https://mirror.example/hook", description="Mirror", events=["content.x"]
    )

    with pytest.raises(ValidationError, match="Unknown event types"):
        endpoint.full_clean()


def test_rotated_secret_overlaps_with_the_old_one_for_a_day(db, receiver, clock):
    endpoint = endpoint_at(receiver.url())
    old = Endpoint.objects.get(pk=endpoint.pk)
    endpoint.rotate_secret()
    record([PUBLISHED])
    sending.send_due(endpoint.pk)
    [during] = receiver.received()
    assert verified(endpoint, *during) and verified(old, *during)

    clock.shift(SECRET_OVERLAP)
    record([UPDATED])
    sending.send_due(endpoint.pk)

    [_, after] = receiver.received()
    assert verified(endpoint, *after)
    with pytest.raises(WebhookVerificationError):
        verified(old, *after)


# From an editor's save to a receiver, through the change feed -------------


def test_an_edit_reaches_a_registered_receiver_through_the_feed(
    transactional_db, receiver
):
    from content.models import FAQ

    call_command("loaddata", "seed", verbosity=0)
    endpoint = endpoint_at(receiver.url())
    faq = FAQ.objects.published().first()

    faq.answer = "Edited, and announced."
    faq.save()  # committed: the feed reconciles, the outbox is written
    run_worker()

    events = [
        verified(endpoint, headers, body) for headers, body in receiver.received()
    ]
    about_the_faq = [
        event
        for event in events
        if event["data"]["kind"] == "faq" and event["data"]["id"] == faq.pk
    ]
    assert len(about_the_faq) == 1
    assert about_the_faq[0]["type"] in {"content.published", "content.updated"}

"""Publication at the API layer: every public endpoint shows published content only.

Each unpublished state (draft, in review, archived, scheduled, expired) is
checked on every endpoint: detail, list and count, search, and wherever the
item is nested in another one.
"""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from content.models import Criterion, Topic
from tests.api_factories import (
    HOUR,
    UNPUBLISHED_STATES,
    make_comparison,
    make_faq,
    make_resource,
    make_topic,
    unpublish,
)
from tests.conftest import FROZEN_NOW

WORD = "zephyr"  # In every item's title, so search finds each of them.


@dataclass(frozen=True)
class Kind:
    collection: str
    lookup: str  # "slug" or "id"
    missing: str  # An identifier no item ever had.

    def create(self, reviewer, home: Topic, name: str):
        title = f"{name.capitalize()} {WORD}"
        if self.collection == "topics":
            return make_topic(reviewer, name, title=title)
        if self.collection == "comparisons":
            return make_comparison(reviewer, home, name, title=title)
        if self.collection == "faqs":
            return make_faq(reviewer, home, f"{title}?")
        return make_resource(reviewer, name, name=title)

    def identifier(self, item) -> str:
        return str(item.pk if self.lookup == "id" else item.slug)

    def detail(self, item) -> str:
        return f"/api/v1/{self.collection}/{self.identifier(item)}/"

    def identifiers(self, response) -> list[str]:
        return [str(item[self.lookup]) for item in response.json()["results"]]


KINDS = {
    "topic": Kind("topics", "slug", "never-existed"),
    "comparison": Kind("comparisons", "slug", "never-existed"),
    "faq": Kind("faqs", "id", "987654321"),
    "resource": Kind("resources", "slug", "never-existed"),
}
SEARCHED_KINDS = ["topic", "comparison", "faq"]


@pytest.fixture
def home(clock, reviewer):
    """The published topic that comparisons and FAQs belong to."""
    return make_topic(reviewer, "heroin-rehab", title="Heroin rehab")


@pytest.fixture
def public_and_hidden(request, reviewer, home):
    """A public item and a hidden one of the same kind, in the given state."""
    kind_name, state = request.param
    kind = KINDS[kind_name]
    public = kind.create(reviewer, home, "public")
    hidden = kind.create(reviewer, home, "hidden")
    unpublish(hidden, state)
    return kind, public, hidden


def kinds_and_states(kinds=tuple(KINDS)):
    return pytest.mark.parametrize(
        "public_and_hidden",
        [(kind, state) for kind in kinds for state in UNPUBLISHED_STATES],
        indirect=True,
        ids=lambda pair: "-".join(pair),
    )


states = pytest.mark.parametrize("state", UNPUBLISHED_STATES)


def not_found_body(response, identifier: str) -> dict[str, Any]:
    """The 404 body with the identifier asked for masked out of its detail."""
    body = response.json()
    return {**body, "detail": body["detail"].replace(identifier, "<identifier>")}


def search_urls(client) -> list[str]:
    response = client.get(f"/api/v1/search/?q={WORD}&limit=100")
    assert response.status_code == 200
    return [hit["url"] for hit in response.json()["results"]]


def absolute(path: str) -> str:
    return f"http://testserver{path}"


# Detail, list and count, search: every kind in every unpublished state.


@kinds_and_states()
def test_unpublished_item_detail_is_the_404_of_a_missing_item(
    client, public_and_hidden
):
    kind, _, hidden = public_and_hidden

    hidden_response = client.get(kind.detail(hidden))
    missing_response = client.get(f"/api/v1/{kind.collection}/{kind.missing}/")

    assert hidden_response.status_code == missing_response.status_code == 404
    assert hidden_response["Content-Type"] == missing_response["Content-Type"]
    assert not_found_body(hidden_response, kind.identifier(hidden)) == (
        not_found_body(missing_response, kind.missing)
    )


@kinds_and_states(kinds=("topic", "comparison"))
def test_unpublished_item_has_no_widget(client, public_and_hidden):
    kind, public, hidden = public_and_hidden

    assert client.get(kind.detail(public) + "widget/").status_code == 200
    assert client.get(kind.detail(hidden) + "widget/").status_code == 404


@kinds_and_states()
def test_unpublished_item_is_not_listed_nor_counted(client, home, public_and_hidden):
    kind, public, hidden = public_and_hidden
    expected = [kind.identifier(public)]
    if kind.collection == "topics":
        expected.append(kind.identifier(home))

    response = client.get(f"/api/v1/{kind.collection}/?limit=100")

    assert response.status_code == 200
    assert sorted(kind.identifiers(response)) == sorted(expected)
    assert kind.identifier(hidden) not in kind.identifiers(response)
    assert response.json()["count"] == len(expected)


@kinds_and_states(SEARCHED_KINDS)
def test_unpublished_item_is_not_in_search(client, public_and_hidden):
    kind, public, hidden = public_and_hidden

    urls = search_urls(client)

    assert absolute(kind.detail(public)) in urls
    assert absolute(kind.detail(hidden)) not in urls


# Schedules take effect as the clock passes them: no restart, no job.


@pytest.mark.parametrize("kind_name", list(KINDS))
def test_scheduled_item_appears_once_its_publish_time_passes(
    client, clock, reviewer, home, kind_name
):
    kind = KINDS[kind_name]
    item = kind.create(reviewer, home, "scheduled")
    type(item).objects.filter(pk=item.pk).update(publish_at=FROZEN_NOW + HOUR)
    before = client.get(kind.detail(item))
    listed_before = kind.identifiers(client.get(f"/api/v1/{kind.collection}/"))

    clock.shift(HOUR + datetime.timedelta(seconds=1))

    after = client.get(kind.detail(item))
    assert before.status_code == 404
    assert after.status_code == 200
    assert kind.identifier(item) not in listed_before
    assert kind.identifier(item) in kind.identifiers(
        client.get(f"/api/v1/{kind.collection}/")
    )


@pytest.mark.parametrize("kind_name", list(KINDS))
def test_item_disappears_once_its_unpublish_time_passes(
    client, clock, reviewer, home, kind_name
):
    kind = KINDS[kind_name]
    item = kind.create(reviewer, home, "expiring")
    type(item).objects.filter(pk=item.pk).update(unpublish_at=FROZEN_NOW + HOUR)
    before = client.get(kind.detail(item))

    clock.shift(HOUR)

    after = client.get(kind.detail(item))
    assert before.status_code == 200
    assert after.status_code == 404
    assert kind.identifier(item) not in kind.identifiers(
        client.get(f"/api/v1/{kind.collection}/")
    )


@pytest.mark.parametrize("kind_name", SEARCHED_KINDS)
def test_scheduled_item_appears_in_search_once_its_publish_time_passes(
    client, clock, reviewer, home, kind_name
):
    kind = KINDS[kind_name]
    item = kind.create(reviewer, home, "scheduled")
    type(item).objects.filter(pk=item.pk).update(publish_at=FROZEN_NOW + HOUR)
    before = search_urls(client)

    clock.shift(2 * HOUR)

    assert absolute(kind.detail(item)) not in before
    assert absolute(kind.detail(item)) in search_urls(client)


# Nested items: hidden wherever they would be shown inside another item.


@states
def test_unpublished_faq_is_not_in_its_topic_detail(client, reviewer, home, state):
    shown = make_faq(reviewer, home, "Shown?")
    hidden = make_faq(reviewer, home, "Hidden?")
    unpublish(hidden, state)

    response = client.get("/api/v1/topics/heroin-rehab/")

    assert response.status_code == 200
    assert [faq["id"] for faq in response.json()["faqs"]] == [shown.pk]


@states
def test_unpublished_faq_is_not_in_its_comparison_detail(client, reviewer, home, state):
    comparison = make_comparison(reviewer, home, "inpatient-vs-outpatient")
    shown = make_faq(reviewer, home, "Shown?", comparison=comparison)
    hidden = make_faq(reviewer, home, "Hidden?", comparison=comparison)
    unpublish(hidden, state)

    response = client.get("/api/v1/comparisons/inpatient-vs-outpatient/")

    assert response.status_code == 200
    assert [faq["id"] for faq in response.json()["faqs"]] == [shown.pk]


@states
def test_unpublished_comparison_is_not_in_its_topic_detail(
    client, reviewer, home, state
):
    make_comparison(reviewer, home, "shown")
    hidden = make_comparison(reviewer, home, "hidden")
    unpublish(hidden, state)

    response = client.get("/api/v1/topics/heroin-rehab/")

    assert response.status_code == 200
    assert [c["slug"] for c in response.json()["comparisons"]] == ["shown"]


@states
def test_unpublished_child_topic_is_not_in_its_parent_children(
    client, reviewer, home, state
):
    make_topic(reviewer, "medical-detox", parent=home)
    hidden = make_topic(reviewer, "inpatient-rehab", parent=home)
    unpublish(hidden, state)

    response = client.get("/api/v1/topics/heroin-rehab/")

    assert response.status_code == 200
    assert [child["slug"] for child in response.json()["children"]] == ["medical-detox"]


@states
def test_unpublished_child_topic_is_not_in_the_parent_filter(
    client, reviewer, home, state
):
    make_topic(reviewer, "medical-detox", parent=home)
    hidden = make_topic(reviewer, "inpatient-rehab", parent=home)
    unpublish(hidden, state)

    response = client.get("/api/v1/topics/?parent=heroin-rehab")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [t["slug"] for t in response.json()["results"]] == ["medical-detox"]


@states
def test_unpublished_related_topic_is_not_in_related_topics(
    client, reviewer, home, state
):
    shown = make_topic(reviewer, "medical-detox")
    hidden = make_topic(reviewer, "inpatient-rehab")
    home.related_topics.add(shown, hidden)
    unpublish(hidden, state)

    response = client.get("/api/v1/topics/heroin-rehab/")

    assert response.status_code == 200
    assert [t["slug"] for t in response.json()["related_topics"]] == ["medical-detox"]


@states
def test_unpublished_parent_is_null_in_its_child_topic_detail(
    client, reviewer, home, state
):
    make_topic(reviewer, "medical-detox", parent=home)
    unpublish(home, state)

    response = client.get("/api/v1/topics/medical-detox/")

    assert response.status_code == 200
    assert response.json()["parent"] is None


@states
def test_unpublished_parent_is_null_in_the_topic_list(client, reviewer, home, state):
    make_topic(reviewer, "medical-detox", parent=home)
    unpublish(home, state)

    response = client.get("/api/v1/topics/")

    assert response.status_code == 200
    assert [(t["slug"], t["parent"]) for t in response.json()["results"]] == [
        ("medical-detox", None)
    ]


@states
def test_option_topic_is_null_when_that_topic_is_unpublished(
    client, reviewer, home, state
):
    comparison = make_comparison(reviewer, home, "inpatient-vs-outpatient")
    inpatient_topic = make_topic(reviewer, "inpatient-rehab")
    outpatient_topic = make_topic(reviewer, "outpatient-rehab")
    comparison.options.filter(key="inpatient").update(topic=inpatient_topic)
    comparison.options.filter(key="outpatient").update(topic=outpatient_topic)
    unpublish(inpatient_topic, state)

    response = client.get("/api/v1/comparisons/inpatient-vs-outpatient/")

    assert response.status_code == 200
    inpatient, outpatient = response.json()["options"]
    assert inpatient["topic"] is None
    assert outpatient["topic"]["slug"] == "outpatient-rehab"


def test_unpublished_criterion_is_not_in_comparison_criteria(client, reviewer, home):
    comparison = make_comparison(reviewer, home, "inpatient-vs-outpatient")
    Criterion.objects.create(
        comparison=comparison, key="safe-home", question="Safe?", is_published=True
    )
    Criterion.objects.create(
        comparison=comparison, key="draft-question", question="Draft?"
    )

    response = client.get("/api/v1/comparisons/inpatient-vs-outpatient/")

    assert response.status_code == 200
    assert [c["key"] for c in response.json()["criteria"]] == ["safe-home"]


# Items whose parent is unpublished are hidden with it.


@states
def test_comparison_of_unpublished_topic_is_hidden(client, reviewer, home, state):
    make_comparison(reviewer, home, "inpatient-vs-outpatient")
    unpublish(home, state)

    detail = client.get("/api/v1/comparisons/inpatient-vs-outpatient/")
    listed = client.get("/api/v1/comparisons/")

    assert detail.status_code == 404
    assert listed.status_code == 200
    assert listed.json()["count"] == 0


@states
def test_faq_of_unpublished_topic_is_not_in_faqs(client, reviewer, home, state):
    faq = make_faq(reviewer, home, "Orphaned?")
    unpublish(home, state)

    detail = client.get(f"/api/v1/faqs/{faq.pk}/")
    listed = client.get("/api/v1/faqs/")
    filtered = client.get("/api/v1/faqs/?topic=heroin-rehab")

    assert detail.status_code == 404
    assert listed.status_code == filtered.status_code == 200
    assert listed.json()["count"] == filtered.json()["count"] == 0


@states
def test_faq_of_unpublished_comparison_is_hidden(client, reviewer, home, state):
    comparison = make_comparison(reviewer, home, "inpatient-vs-outpatient")
    faq = make_faq(reviewer, home, "Shown with the comparison?", comparison=comparison)
    unpublish(comparison, state)

    detail = client.get(f"/api/v1/faqs/{faq.pk}/")
    listed = client.get("/api/v1/faqs/")
    topic = client.get("/api/v1/topics/heroin-rehab/")

    assert detail.status_code == 404
    assert listed.json()["count"] == 0
    assert topic.json()["faqs"] == []


@states
def test_faq_never_names_a_comparison_hidden_with_its_topic(
    client, reviewer, home, state
):
    other_topic = make_topic(reviewer, "inpatient-rehab")
    comparison = make_comparison(reviewer, home, "inpatient-vs-outpatient")
    faq = make_faq(reviewer, other_topic, "Who needs it?", comparison=comparison)
    unpublish(home, state)

    comparison_detail = client.get("/api/v1/comparisons/inpatient-vs-outpatient/")
    listed = client.get("/api/v1/faqs/")
    filtered = client.get("/api/v1/faqs/?comparison=inpatient-vs-outpatient")
    detail = client.get(f"/api/v1/faqs/{faq.pk}/")

    assert comparison_detail.status_code == 404
    assert listed.status_code == filtered.status_code == 200
    assert [f["comparison"] for f in listed.json()["results"]] in ([], [None])
    assert filtered.json()["count"] == 0
    assert detail.status_code == 404 or detail.json()["comparison"] is None


@states
def test_children_of_an_unpublished_topic_are_not_in_search(
    client, reviewer, home, state
):
    make_comparison(reviewer, home, "hidden", title=f"{WORD} compared")
    make_faq(reviewer, home, f"What is {WORD}?")
    make_topic(reviewer, "shown", title=f"Shown {WORD}")
    unpublish(home, state)

    urls = search_urls(client)

    assert urls == [absolute("/api/v1/topics/shown/")]

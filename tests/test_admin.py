"""The editorial admin: every page renders for every role, and roles hold on the server.

Users belong to the real groups the roles migration creates. Form posts start
from the data of the rendered form, as a browser would send it.
"""

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content.admin.comparison import cell_field_name
from content.models import (
    FAQ,
    Aspect,
    AspectCell,
    Comparison,
    ComparisonOption,
    Criterion,
    CriterionEffect,
    OptionPoint,
    PublicationStatus,
    Resource,
    Reviewer,
    Section,
    Source,
    Topic,
)

ADMIN_MODELS = [
    Topic,
    Section,
    Source,
    FAQ,
    Resource,
    Reviewer,
    Comparison,
    ComparisonOption,
    Aspect,
    AspectCell,
    OptionPoint,
    Criterion,
    CriterionEffect,
]
ROLES = ["admin_user", "editor", "medical_reviewer", "publisher"]


def admin_url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class FormFields(HTMLParser):
    """The values a browser would submit for the admin's change form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.in_form = False
        self.select = self.textarea = None

    def add(self, name, value):
        if "__prefix__" not in name and name != "csrfmiddlewaretoken":
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self.in_form = attrs.get("id", "").endswith("_form")
        elif not self.in_form or (tag != "option" and not name):
            return
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.add(name, attrs.get("value", "on"))
            elif kind not in {"submit", "button", "reset", "file", "image"}:
                self.add(name, attrs.get("value", ""))
        elif tag == "select":
            self.select = {"name": name, "multiple": "multiple" in attrs}
            self.options, self.selected = [], []
        elif tag == "option" and self.select:
            self.options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self.selected.append(attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea, self.text = name, []

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select:
            # With nothing selected, a browser sends the first option.
            chosen = self.selected or (
                self.options[:1] if not self.select["multiple"] else []
            )
            for value in chosen:
                self.add(self.select["name"], value)
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.add(self.textarea, "".join(self.text).removeprefix("\n"))
            self.textarea = None


def form_data(response, reason: str = "Edited in a test") -> dict[str, list[str]]:
    """The form as a browser would post it, with the reason an editor types."""
    assert response.status_code == 200
    parser = FormFields()
    parser.feed(response.content.decode())
    assert parser.data, "no admin form found"
    if parser.data.get("change_reason") == [""]:
        parser.data["change_reason"] = [reason]
    return parser.data


def add_inline_row(data, prefix: str, **fields) -> None:
    """Add a row to an inline formset, as “Add another” does."""
    index = int(data[f"{prefix}-TOTAL_FORMS"][0])
    data[f"{prefix}-TOTAL_FORMS"] = [str(index + 1)]
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = [value]


def inline_index(data, prefix: str, pk) -> int:
    """Index of the inline row editing the object with this primary key."""
    for name, values in data.items():
        if name.startswith(f"{prefix}-") and name.endswith("-id"):
            if values == [str(pk)]:
                return int(name.split("-")[1])
    raise AssertionError(f"no row for {pk} in {prefix}")


def action(client, model, name: str, *objects):
    return client.post(
        admin_url(model, "changelist"),
        {"action": name, "_selected_action": [obj.pk for obj in objects]},
    )


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def reviewed_draft_topic(reviewer):
    """A draft that only lacks a publisher to go live."""
    topic = Topic.objects.create(
        slug="medical-detox", title="Medical detox", summary="Withdrawal under care."
    )
    topic.record_review(reviewer)
    topic.save()
    return topic


def fill_comparison(comparison, source) -> None:
    """Give a comparison a row of cells, points, and a criterion with an effect."""
    aspect = Aspect.objects.create(comparison=comparison, key="cost", name="Cost")
    criterion = Criterion.objects.create(
        comparison=comparison, key="safe-home", question="Is home safe?"
    )
    for option in comparison.options.all():
        AspectCell.objects.create(aspect=aspect, option=option, text=f"{option} cost")
        OptionPoint.objects.create(option=option, text=f"{option} helps")
        CriterionEffect.objects.create(
            criterion=criterion,
            option=option,
            answer="no",
            effect="rules_out",
            reason="An unsafe home.",
        )
    comparison.sources.add(source)


@pytest.fixture
def every_kind_of_content(
    published_comparison, published_faq, published_resource, draft_comparison
):
    """Published and draft items of every model the admin offers."""
    source = Source.objects.create(title="Principles", publisher="NIDA")
    for comparison in (published_comparison, draft_comparison):
        fill_comparison(comparison, source)
        Section.objects.create(
            topic=comparison.topic, heading="Overview", anchor="overview", body="Text"
        )
        comparison.topic.sources.add(source)
    FAQ.objects.create(
        topic=draft_comparison.topic, question="Is it free?", answer="Often."
    )


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m._meta.model_name)
@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_render_for_each_role(request, role, model, every_kind_of_content):
    user = request.getfixturevalue(role)
    client = logged_in(user)
    name = model._meta.model_name
    viewable = 200 if user.has_perm(f"content.view_{name}") else 403
    addable = 200 if user.has_perm(f"content.add_{name}") else 403
    objects = list(model.objects.all())
    assert objects

    assert client.get(admin_url(model, "changelist")).status_code == viewable
    assert client.get(admin_url(model, "add")).status_code == addable
    for obj in objects:
        assert client.get(admin_url(model, "change", obj.pk)).status_code == viewable
        assert client.get(admin_url(model, "history", obj.pk)).status_code == viewable
        for version in getattr(obj, "history", model.objects.none()).all():
            url = admin_url(model, "simple_history", obj.pk, version.history_id)
            assert client.get(url).status_code == viewable


def test_admin_index_lists_pages_not_their_parts(editor):
    response = logged_in(editor).get(reverse("admin:index"))

    assert response.status_code == 200
    assert admin_url(Topic, "changelist") in response.text
    assert admin_url(Section, "changelist") not in response.text


def test_topic_status_choices_for_editor_are_draft_and_in_review(editor, draft_topic):
    response = logged_in(editor).get(admin_url(Topic, "change", draft_topic.pk))

    assert response.status_code == 200
    choices = response.context["adminform"].form.fields["status"].choices
    assert [value for value, _ in choices] == ["draft", "in_review"]


def test_topic_change_form_refuses_publishing_by_editor(editor, reviewed_draft_topic):
    client = logged_in(editor)
    url = admin_url(Topic, "change", reviewed_draft_topic.pk)
    data = form_data(client.get(url))
    data["status"] = ["published"]

    response = client.post(url, data)

    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    reviewed_draft_topic.refresh_from_db()
    assert reviewed_draft_topic.status == PublicationStatus.DRAFT


def test_topic_change_form_lets_editor_submit_for_review(editor, draft_topic):
    client = logged_in(editor)
    url = admin_url(Topic, "change", draft_topic.pk)
    data = form_data(client.get(url))
    data["status"] = ["in_review"]

    response = client.post(url, data)

    assert response.status_code == 302
    draft_topic.refresh_from_db()
    assert draft_topic.status == PublicationStatus.IN_REVIEW


def test_topic_publish_action_is_refused_for_editor(editor, reviewed_draft_topic):
    action(logged_in(editor), Topic, "publish", reviewed_draft_topic)

    reviewed_draft_topic.refresh_from_db()
    assert reviewed_draft_topic.status == PublicationStatus.DRAFT


def test_published_topic_change_by_editor_is_forbidden(editor, published_topic):
    client = logged_in(editor)
    url = admin_url(Topic, "change", published_topic.pk)

    response = client.post(url, {"title": "Edited", "status": "draft"})

    assert response.status_code == 403
    published_topic.refresh_from_db()
    assert published_topic.title == "Heroin rehab"


def test_published_topic_change_form_is_read_only_for_editor(editor, published_topic):
    response = logged_in(editor).get(admin_url(Topic, "change", published_topic.pk))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="title"' not in response.text


def test_published_topic_section_change_by_editor_is_forbidden(editor, published_topic):
    section = Section.objects.create(
        topic=published_topic, heading="Overview", anchor="overview", body="Text"
    )
    url = admin_url(Section, "change", section.pk)

    response = logged_in(editor).post(
        url,
        {"topic": published_topic.pk, "position": 0, "heading": "Edited"}
        | {"anchor": "overview", "body": "Text"},
    )

    assert response.status_code == 403
    section.refresh_from_db()
    assert section.heading == "Overview"


def test_published_topic_sections_bulk_delete_by_editor_is_refused(
    editor, published_topic
):
    section = Section.objects.create(
        topic=published_topic, heading="Overview", anchor="overview", body="Text"
    )

    logged_in(editor).post(
        admin_url(Section, "changelist"),
        {"action": "delete_selected", "_selected_action": [section.pk], "post": "yes"},
    )

    assert Section.objects.filter(pk=section.pk).exists()


def test_section_cannot_be_added_to_published_topic_by_editor(editor, published_topic):
    response = logged_in(editor).post(
        admin_url(Section, "add"),
        {"topic": published_topic.pk, "position": 0, "heading": "New"}
        | {"anchor": "new", "body": "Text"},
    )

    assert response.status_code == 200
    assert "topic" in response.context["adminform"].form.errors
    assert not published_topic.sections.exists()


@pytest.fixture
def once_published_topic(reviewed_draft_topic):
    """A topic whose history holds a published version, now back in draft."""
    reviewed_draft_topic.status = PublicationStatus.PUBLISHED
    reviewed_draft_topic.save()
    reviewed_draft_topic.status = PublicationStatus.DRAFT
    reviewed_draft_topic.title = "Medical detox, rewritten"
    reviewed_draft_topic.save()
    return reviewed_draft_topic


def published_version_url(topic) -> str:
    version = topic.history.filter(status=PublicationStatus.PUBLISHED).get()
    return admin_url(Topic, "simple_history", topic.pk, version.history_id)


def test_topic_history_revert_by_editor_cannot_publish(editor, once_published_topic):
    client = logged_in(editor)
    url = published_version_url(once_published_topic)
    data = form_data(client.get(url))
    data["status"] = ["published"]

    response = client.post(url, data)

    assert response.status_code == 200
    once_published_topic.refresh_from_db()
    assert once_published_topic.status == PublicationStatus.DRAFT


def test_topic_history_revert_restores_earlier_title(editor, once_published_topic):
    client = logged_in(editor)
    url = published_version_url(once_published_topic)

    response = client.post(url, form_data(client.get(url)))

    assert response.status_code == 302
    once_published_topic.refresh_from_db()
    assert once_published_topic.title == "Medical detox"
    assert once_published_topic.status == PublicationStatus.DRAFT


def test_published_topic_history_revert_by_editor_is_forbidden(editor, published_topic):
    published_topic.title = "Heroin rehab, revised"
    published_topic.save()
    first = published_topic.history.earliest()
    url = admin_url(Topic, "simple_history", published_topic.pk, first.history_id)

    response = logged_in(editor).post(url, {"title": "Heroin rehab"})

    assert response.status_code == 403
    published_topic.refresh_from_db()
    assert published_topic.title == "Heroin rehab, revised"


def test_section_history_revert_by_view_only_reviewer_is_forbidden(
    medical_reviewer, draft_topic
):
    section = Section.objects.create(
        topic=draft_topic, heading="Overview", anchor="overview", body="Text"
    )
    section.heading = "Overview, revised"
    section.save()
    first = section.history.earliest()
    url = admin_url(Section, "simple_history", section.pk, first.history_id)

    response = logged_in(medical_reviewer).post(
        url,
        {"topic": draft_topic.pk, "position": 0, "heading": "Overview"}
        | {"anchor": "overview", "body": "Text"},
    )

    assert response.status_code == 403
    section.refresh_from_db()
    assert section.heading == "Overview, revised"


def test_topic_history_records_who_changed_what(editor, draft_topic):
    client = logged_in(editor)
    url = admin_url(Topic, "change", draft_topic.pk)
    data = form_data(client.get(url))
    data["title"] = ["Draft topic, renamed"]

    client.post(url, data)

    latest = draft_topic.history.latest()
    assert latest.history_user == editor
    changes = latest.diff_against(latest.prev_record).changes
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("title", "Draft topic", "Draft topic, renamed")
    ]
    history_page = client.get(admin_url(Topic, "history", draft_topic.pk))
    assert history_page.status_code == 200
    newest = history_page.context["page_obj"][0]
    assert newest.history_user == editor
    assert newest.history_delta_changes == [
        {
            "field": "Title",
            "old": "Draft <del>topic</del>",
            "new": "Draft <ins>topic, renamed</ins>",
        }
    ]


def test_publisher_publishes_topic_with_action(publisher, reviewed_draft_topic):
    response = action(logged_in(publisher), Topic, "publish", reviewed_draft_topic)

    assert response.status_code == 302
    reviewed_draft_topic.refresh_from_db()
    assert reviewed_draft_topic.status == PublicationStatus.PUBLISHED
    assert message_texts(response) == ["Published 1 topic."]


def test_change_form_cannot_publish_even_for_a_publisher(
    publisher, reviewed_draft_topic
):
    # Publishing is the Publish button or action, which check the review.
    client = logged_in(publisher)
    url = admin_url(Topic, "change", reviewed_draft_topic.pk)
    data = form_data(client.get(url))
    data["status"] = ["published"]

    response = client.post(url, data)

    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    reviewed_draft_topic.refresh_from_db()
    assert reviewed_draft_topic.status == PublicationStatus.DRAFT


def test_publisher_unpublishes_and_archives_with_actions(
    publisher, published_topic, published_faq
):
    client = logged_in(publisher)

    action(client, Topic, "unpublish", published_topic)
    action(client, FAQ, "archive", published_faq)

    published_topic.refresh_from_db()
    published_faq.refresh_from_db()
    assert published_topic.status == PublicationStatus.DRAFT
    assert published_faq.status == PublicationStatus.ARCHIVED


def test_publish_action_refuses_unreviewed_topic(publisher, draft_topic):
    response = action(logged_in(publisher), Topic, "publish", draft_topic)

    draft_topic.refresh_from_db()
    assert draft_topic.status == PublicationStatus.DRAFT
    assert message_texts(response) == [
        "Not published: “Draft topic”: It needs a medical review before it is "
        "published."
    ]


def test_publish_action_refuses_comparison_with_one_option(
    publisher, reviewer, published_topic
):
    comparison = Comparison.objects.create(
        slug="one-option",
        title="Only one option",
        topic=published_topic,
        summary="Not a comparison yet.",
    )
    ComparisonOption.objects.create(comparison=comparison, key="only", name="Only")
    comparison.record_review(reviewer)
    comparison.save()

    response = action(logged_in(publisher), Comparison, "publish", comparison)

    comparison.refresh_from_db()
    assert comparison.status == PublicationStatus.DRAFT
    assert "2 or more options" in message_texts(response)[0]


def test_medical_reviewer_cannot_publish_with_action(
    medical_reviewer, reviewed_draft_topic
):
    action(logged_in(medical_reviewer), Topic, "publish", reviewed_draft_topic)

    reviewed_draft_topic.refresh_from_db()
    assert reviewed_draft_topic.status == PublicationStatus.DRAFT


def test_review_fields_are_read_only_for_editor(editor, draft_topic):
    client = logged_in(editor)
    url = admin_url(Topic, "change", draft_topic.pk)
    data = form_data(client.get(url)) | {"last_reviewed_on": ["2026-11-20"]}

    client.post(url, data)

    draft_topic.refresh_from_db()
    assert draft_topic.last_reviewed_on is None


def test_review_overdue_filter_lists_overdue_items_only(editor, reviewer):
    today = timezone.localdate()
    for slug, due in [("overdue", -1), ("due-later", 30)]:
        Topic.objects.create(
            slug=slug,
            title=slug,
            summary="S",
            last_reviewed_on=today - datetime.timedelta(days=400),
            reviewed_by=reviewer,
            next_review_due=today + datetime.timedelta(days=due),
        )

    response = logged_in(editor).get(
        admin_url(Topic, "changelist"), {"review": "overdue"}
    )

    assert response.status_code == 200
    assert [t.slug for t in response.context["cl"].result_list] == ["overdue"]


def test_topic_sections_are_saved_inline(editor, draft_topic):
    client = logged_in(editor)
    url = admin_url(Topic, "change", draft_topic.pk)
    data = form_data(client.get(url))
    add_inline_row(
        data,
        "sections",
        position="1",
        heading="What detox is",
        anchor="what-detox-is",
        body="Detox is **the first step**.",
    )

    response = client.post(url, data)

    assert response.status_code == 302
    section = draft_topic.sections.get()
    assert section.heading == "What detox is"
    assert section.body_html == "<p>Detox is <strong>the first step</strong>.</p>"


def test_published_faq_stays_read_only_in_draft_topic_for_editor(
    editor, reviewer, draft_topic
):
    faq = FAQ.objects.create(
        topic=draft_topic,
        question="Is it free?",
        answer="Often.",
        status=PublicationStatus.PUBLISHED,
        last_reviewed_on=timezone.localdate(),
        reviewed_by=reviewer,
    )
    client = logged_in(editor)
    url = admin_url(Topic, "change", draft_topic.pk)
    data = form_data(client.get(url))
    data |= {"faqs-TOTAL_FORMS": ["1"], "faqs-INITIAL_FORMS": ["1"]}
    data |= {"faqs-0-id": [str(faq.pk)], "faqs-0-question": ["Edited?"]}

    response = client.post(url, data)

    assert response.status_code == 302
    faq.refresh_from_db()
    assert faq.question == "Is it free?"


def test_comparison_table_saves_aspects_and_cells(editor, draft_comparison):
    home, clinic = draft_comparison.options.all()
    client = logged_in(editor)
    url = admin_url(Comparison, "change", draft_comparison.pk)
    data = form_data(client.get(url))
    add_inline_row(
        data,
        "aspects",
        position="0",
        name="Medical supervision",
        key="medical-supervision",
        **{cell_field_name(home): "None", cell_field_name(clinic): "Around the clock"},
    )

    response = client.post(url, data)

    assert response.status_code == 302
    aspect = draft_comparison.aspects.get()
    assert aspect.name == "Medical supervision"
    assert {(c.option, c.text) for c in aspect.cells.all()} == {
        (home, "None"),
        (clinic, "Around the clock"),
    }


def test_comparison_table_edits_and_clears_cells(editor, draft_comparison):
    home, clinic = draft_comparison.options.all()
    aspect = Aspect.objects.create(comparison=draft_comparison, key="cost", name="Cost")
    AspectCell.objects.create(aspect=aspect, option=home, text="Low")
    AspectCell.objects.create(aspect=aspect, option=clinic, text="High")
    client = logged_in(editor)
    url = admin_url(Comparison, "change", draft_comparison.pk)
    data = form_data(client.get(url))
    row = inline_index(data, "aspects", aspect.pk)
    assert data[f"aspects-{row}-{cell_field_name(home)}"] == ["Low"]
    data[f"aspects-{row}-{cell_field_name(home)}"] = ["Lowest"]
    data[f"aspects-{row}-{cell_field_name(clinic)}"] = [""]

    response = client.post(url, data)

    assert response.status_code == 302
    assert {(c.option, c.text) for c in aspect.cells.all()} == {(home, "Lowest")}


def test_comparison_table_ignores_cells_of_option_deleted_in_same_save(
    editor, draft_comparison
):
    home, clinic = draft_comparison.options.all()
    aspect = Aspect.objects.create(comparison=draft_comparison, key="cost", name="Cost")
    client = logged_in(editor)
    url = admin_url(Comparison, "change", draft_comparison.pk)
    data = form_data(client.get(url))
    data[f"options-{inline_index(data, 'options', clinic.pk)}-DELETE"] = ["on"]
    row = inline_index(data, "aspects", aspect.pk)
    data[f"aspects-{row}-{cell_field_name(home)}"] = ["Low"]
    data[f"aspects-{row}-{cell_field_name(clinic)}"] = ["High"]

    response = client.post(url, data)

    assert response.status_code == 302
    assert list(draft_comparison.options.all()) == [home]
    assert {(c.option, c.text) for c in aspect.cells.all()} == {(home, "Low")}


def test_comparison_options_and_their_points_are_saved_inline(editor, draft_comparison):
    client = logged_in(editor)
    url = admin_url(Comparison, "change", draft_comparison.pk)
    data = form_data(client.get(url))
    add_inline_row(
        data,
        "options",
        position="2",
        key="day-program",
        name="Day program",
        benefits="Sleep at home\nStructured days",
        drawbacks="Daily travel",
    )

    response = client.post(url, data)

    assert response.status_code == 302
    option = draft_comparison.options.get(key="day-program")
    assert [(p.kind, p.position, p.text) for p in option.points.all()] == [
        ("benefit", 0, "Sleep at home"),
        ("benefit", 1, "Structured days"),
        ("drawback", 0, "Daily travel"),
    ]


def test_comparison_table_shows_cells_of_published_comparison_to_editor(
    editor, published_comparison
):
    inpatient = published_comparison.options.get(key="inpatient")
    aspect = Aspect.objects.create(
        comparison=published_comparison, key="cost", name="Cost"
    )
    AspectCell.objects.create(aspect=aspect, option=inpatient, text="Costs more")

    response = logged_in(editor).get(
        admin_url(Comparison, "change", published_comparison.pk)
    )

    assert response.status_code == 200
    assert "Costs more" in response.text
    assert f'name="aspects-0-{cell_field_name(inpatient)}"' not in response.text


def test_editor_switches_a_criterion_on_in_a_draft_and_voids_its_review(
    editor, draft_comparison, reviewer
):
    criterion = Criterion.objects.create(
        comparison=draft_comparison, key="safe-home", question="Is home safe?"
    )
    client = logged_in(editor)
    url = admin_url(Comparison, "change", draft_comparison.pk)
    data = form_data(client.get(url))
    row = inline_index(data, "criteria", criterion.pk)
    data[f"criteria-{row}-is_published"] = ["on"]
    data[f"criteria-{row}-question"] = ["Is your home safe?"]
    draft_comparison.record_review(reviewer)
    draft_comparison.save()

    response = client.post(url, data)

    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.question == "Is your home safe?"
    assert criterion.is_published is True
    # Whether it is shown is content: the review no longer covers it.
    draft_comparison.refresh_from_db()
    assert not draft_comparison.review_is_valid


def test_publisher_switches_criterion_on_in_a_draft(publisher, draft_comparison):
    criterion = Criterion.objects.create(
        comparison=draft_comparison, key="safe-home", question="Is home safe?"
    )
    client = logged_in(publisher)
    url = admin_url(Criterion, "change", criterion.pk)
    data = form_data(client.get(url)) | {"is_published": ["on"]}

    response = client.post(url, data)

    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.is_published is True


def test_criterion_effects_are_saved_inline(editor, draft_comparison):
    home = draft_comparison.options.get(key="home")
    criterion = Criterion.objects.create(
        comparison=draft_comparison, key="safe-home", question="Is home safe?"
    )
    client = logged_in(editor)
    url = admin_url(Criterion, "change", criterion.pk)
    data = form_data(client.get(url))
    add_inline_row(
        data,
        "effects",
        answer="no",
        option=str(home.pk),
        effect="rules_out",
        reason="An unsafe home.",
    )

    response = client.post(url, data)

    assert response.status_code == 302
    effect = criterion.effects.get()
    assert (effect.option, effect.answer, effect.effect) == (home, "no", "rules_out")


def test_draft_faq_of_published_topic_is_read_only_for_medical_reviewer(
    medical_reviewer, published_topic
):
    faq = FAQ.objects.create(topic=published_topic, question="Draft?", answer="Yes.")
    client = logged_in(medical_reviewer)
    url = admin_url(Topic, "change", published_topic.pk)
    data = form_data(client.get(url))
    data["faqs-TOTAL_FORMS"] = ["1"]
    data |= {"faqs-INITIAL_FORMS": ["1"], "faqs-0-id": [str(faq.pk)]}
    data |= {"faqs-0-topic": [str(published_topic.pk)], "faqs-0-position": ["0"]}
    data |= {"faqs-0-question": ["Edited?"], "faqs-0-answer": ["Yes."]}

    response = client.post(url, data)

    assert response.status_code == 403  # Reviewers approve; they do not edit.
    faq.refresh_from_db()
    assert faq.question == "Draft?"

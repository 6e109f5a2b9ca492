"""The decision helper over the seed comparison: rule, ranking, errors, privacy."""

import json
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.parsers import MAX_JSON_DEPTH, nests_deeper_than
from content.models import Comparison, Criterion, PublicationStatus

URL = "/api/v1/comparisons/inpatient-vs-outpatient-heroin-rehab/assessment/"
SEED_KEYS = [
    "long-history",
    "severe-addiction",
    "mental-illness",
    "safe-home",
    "support",
    "good-health",
    "transportation",
    "motivation",
    "daily-responsibilities",
    "completed-inpatient",
]


def post_answers(client, answers, **extra):
    return client.post(
        URL, json.dumps({"answers": answers}), content_type="application/json", **extra
    )


def verdicts(response) -> dict[str, str]:
    return {option["key"]: option["verdict"] for option in response.json()["options"]}


def test_questionnaire_lists_published_criteria_in_editor_order(client, seed_content):
    response = client.get(URL)

    assert response.status_code == 200
    questions = response.json()["questions"]
    assert [q["key"] for q in questions] == SEED_KEYS
    assert questions[3]["question"] == "Do you have a safe, stable place to live?"
    assert all(q["answers"] == ["yes", "no", "unsure"] for q in questions)


@pytest.mark.parametrize(
    ("case", "answers", "expected", "ranking"),
    [
        (
            "severe addiction only",
            {"severe-addiction": "yes"},
            {"inpatient": "suggested", "outpatient": "possible"},
            ["inpatient", "outpatient"],
        ),
        (
            "stable home, support and motivation",
            {"safe-home": "yes", "support": "yes", "motivation": "yes"},
            {"inpatient": "possible", "outpatient": "suggested"},
            ["outpatient", "inpatient"],
        ),
        (
            "co-occurring mental illness",
            {"mental-illness": "yes", "good-health": "no"},
            {"inpatient": "suggested", "outpatient": "not_suggested"},
            ["inpatient", "outpatient"],
        ),
        (
            "nothing answered",
            {},
            {"inpatient": "possible", "outpatient": "possible"},
            ["inpatient", "outpatient"],
        ),
        (
            "everything not sure",
            dict.fromkeys(SEED_KEYS, "unsure"),
            {"inpatient": "possible", "outpatient": "possible"},
            ["inpatient", "outpatient"],
        ),
        (
            "contradictory: no safe home, yet strong support and motivation",
            {"safe-home": "no", "support": "yes", "motivation": "yes"},
            {"inpatient": "suggested", "outpatient": "not_suggested"},
            ["inpatient", "outpatient"],
        ),
        (
            "no transport rules outpatient out",
            {"transportation": "no"},
            {"inpatient": "possible", "outpatient": "not_suggested"},
            ["inpatient", "outpatient"],
        ),
    ],
)
def test_assessment_applies_the_rule(
    client, seed_content, case, answers, expected, ranking
):
    response = post_answers(client, answers)

    assert response.status_code == 200, case
    assert verdicts(response) == expected, case
    assert response.json()["ranking"] == ranking, case


def test_assessment_gives_reasons_in_the_editors_words(client, seed_content):
    response = post_answers(client, {"safe-home": "no"})

    options = {o["key"]: o for o in response.json()["options"]}
    assert [r["reason"] for r in options["inpatient"]["favoured_by"]] == [
        "An unsafe or unstable place to live."
    ]
    assert [r["reason"] for r in options["outpatient"]["ruled_out_by"]] == [
        "A safe and stable living situation."
    ]
    assert "safe-home" not in options["outpatient"]["unanswered"]
    assert "motivation" in options["outpatient"]["unanswered"]


def test_assessment_has_summary_disclaimer_and_national_help(client, seed_content):
    body = post_answers(client, {"severe-addiction": "yes"}).json()

    assert body["summary"] == (
        "Based on your answers, Inpatient rehab is suggested; Outpatient rehab "
        "is possible."
    )
    assert "not a diagnosis" in body["disclaimer"]
    phones = {resource["phone"] for resource in body["help"]}
    assert "1-800-662-4357" in phones
    assert all(resource["region"] == "US" for resource in body["help"])


def test_ranking_breaks_ties_by_favouring_answers(client, seed_content):
    response = post_answers(
        client,
        {
            "daily-responsibilities": "yes",
            "completed-inpatient": "yes",
            "severe-addiction": "yes",
        },
    )

    assert verdicts(response) == {"inpatient": "suggested", "outpatient": "suggested"}
    assert response.json()["ranking"] == ["outpatient", "inpatient"]


def test_assessment_response_is_never_stored(client, seed_content):
    response = post_answers(client, {"safe-home": "no"})

    assert response["Cache-Control"] == "no-store"
    assert "ETag" not in response


def test_assessment_writes_nothing_to_the_database(client, seed_content):
    with CaptureQueriesContext(connection) as queries:
        response = post_answers(client, dict.fromkeys(SEED_KEYS, "no"))

    assert response.status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


@pytest.mark.parametrize(
    "body",
    [
        {"answers": {"safe-home": "maybe-ish"}},
        {"answers": {"not-a-question": "yes"}},
    ],
)
def test_submitted_answers_never_reach_the_logs(client, seed_content, caplog, body):
    caplog.set_level(logging.DEBUG)

    client.post(URL, json.dumps(body), content_type="application/json")
    post_answers(client, {"support": "no", "motivation": "unsure"})

    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in ("maybe-ish", "not-a-question", '"support"', "motivation"):
        assert secret not in logged


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("not json", None),
        ("[1, 2]", "non_field_errors"),
        ("{}", "answers"),
        ('{"answers": "yes"}', "answers"),
        ('{"answers": [1]}', "answers"),
        ('{"answers": {"pets": "yes"}}', "answers"),
        ('{"answers": {"safe-home": true}}', "answers.safe-home"),
        ('{"answers": {"safe-home": "maybe"}}', "answers.safe-home"),
        ('{"answers": {}, "extra": 1}', "extra"),
        ('{"answers": {"safe-home": "' + "y" * 9000 + '"}}', "body"),
    ],
)
def test_bad_assessment_body_is_a_400_naming_the_problem(
    client, seed_content, body, field
):
    response = client.post(URL, body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    if field:
        assert problem["errors"][0]["field"] == field
    else:
        assert "JSON" in problem["detail"]


@pytest.mark.parametrize(
    "body",
    [
        "[" * 1000 + "]" * 1000,
        '{"answers": ' + '{"a": ' * 1000 + "1" + "}" * 1001,
        "[" * 5000,  # Unbalanced: refused for its depth all the same.
    ],
)
def test_deeply_nested_json_is_a_400_naming_the_limit(client, seed_content, body):
    response = client.post(URL, body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert f"more than {MAX_JSON_DEPTH} levels" in response.json()["detail"]


def test_json_nesting_counts_no_bracket_inside_a_string():
    body = json.dumps({"answers": {"safe-home": '[[[{{{"}}}]]]\\', "x": "]]"}})

    assert nests_deeper_than(body.encode(), 1)
    assert not nests_deeper_than(body.encode(), 2)


def test_json_nested_to_the_limit_is_parsed(client, seed_content):
    nested = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    response = client.post(
        URL, '{"answers": ' + nested + "}", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "answers"


def test_unknown_comparison_assessment_is_404(client, seed_content):
    response = client.post(
        "/api/v1/comparisons/nope/assessment/", "{}", content_type="application/json"
    )

    assert response.status_code == 404


def test_unpublished_comparison_assessment_is_404(client, seed_content):
    Comparison.objects.update(status=PublicationStatus.DRAFT)

    assert client.get(URL).status_code == 404
    assert post_answers(client, {}).status_code == 404


def test_unpublished_criterion_is_not_asked_nor_accepted(client, seed_content):
    Criterion.objects.filter(key="safe-home").update(is_published=False)

    keys = [q["key"] for q in client.get(URL).json()["questions"]]
    response = post_answers(client, {"safe-home": "no"})

    assert "safe-home" not in keys
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_assessment_allows_only_get_post_head_options(client, seed_content, method):
    response = getattr(client, method)(URL, "{}", content_type="application/json")

    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {
        "GET",
        "POST",
        "HEAD",
        "OPTIONS",
    }


def test_answers_in_the_query_string_are_refused(client, seed_content):
    response = client.get(URL + "?safe-home=no")

    assert response.status_code == 400


ANSWERS = st.dictionaries(
    st.sampled_from(SEED_KEYS), st.sampled_from(["yes", "no", "unsure"])
)


@given(answers=ANSWERS)
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_any_answers_give_a_valid_result_that_respects_the_rule(
    client, seed_content, unthrottled, answers
):
    response = post_answers(client, answers)

    assert response.status_code == 200
    body = response.json()
    assert sorted(body["ranking"]) == ["inpatient", "outpatient"]
    assert body["ranking"] == [option["key"] for option in body["options"]]
    order = {"suggested": 0, "possible": 1, "not_suggested": 2}
    keys = [(order[o["verdict"]], -len(o["favoured_by"])) for o in body["options"]]
    assert keys == sorted(keys)
    for option in body["options"]:
        if option["ruled_out_by"]:
            assert option["verdict"] == "not_suggested"
        elif option["favoured_by"]:
            assert option["verdict"] == "suggested"
        else:
            assert option["verdict"] == "possible"
        for reason in option["favoured_by"] + option["ruled_out_by"]:
            assert answers[reason["criterion"]] == reason["answer"]
            assert reason["answer"] != "unsure"
        for key in option["unanswered"]:
            assert answers.get(key, "unsure") == "unsure"


def test_assessment_form_encoded_post_is_a_problem_415(client, seed_content):
    response = client.post(
        URL,
        "answers=safe-home",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"
    assert "application/x-www-form-urlencoded" in response.json()["detail"]

"""The OpenAPI contract: valid, documented, and changed only on purpose."""

import inspect
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from rest_framework.serializers import Serializer

from api.v1 import serializers as serializers_v1
from content.assessment import ALLOWED_ANSWERS

COMMITTED_SCHEMA = Path(__file__).resolve().parent.parent / "api/v1/openapi.yaml"


@pytest.fixture
def served_schema(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    return response.content.decode()


def test_served_schema_matches_the_committed_contract(served_schema):
    assert served_schema == COMMITTED_SCHEMA.read_text(), (
        "The API contract changed. If intended, run `make schema` and commit "
        "api/v1/openapi.yaml with the change."
    )


def test_schema_validates_without_warnings(tmp_path):
    call_command(
        "spectacular",
        urlconf="api.v1.schema_urlconf",
        validate=True,
        fail_on_warn=True,
        file=str(tmp_path / "schema.yaml"),
    )


def resolved(schema: dict, node: dict) -> dict:
    """``node``, or the component its ``$ref`` points to."""
    if "$ref" not in node:
        return node
    *_, kind, name = node["$ref"].split("/")
    return schema["components"][kind][name]


def test_every_operation_has_summary_examples_and_described_parameters(served_schema):
    schema = yaml.safe_load(served_schema)
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) >= 10
    for path, method, operation in operations:
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), where
        assert operation.get("description"), where
        for parameter in operation.get("parameters", []):
            parameter = resolved(schema, parameter)
            assert parameter.get("description"), (where, parameter["name"])
        for media_type, ok in operation["responses"]["200"]["content"].items():
            assert ok.get("examples"), (where, media_type)


def test_schema_lists_only_v1_paths(served_schema):
    paths = yaml.safe_load(served_schema)["paths"]

    assert paths and all(path.startswith("/api/v1/") for path in paths)


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_documentation_pages_use_local_assets_only(client, db, url):
    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html
    assert "drf_spectacular_sidecar" in html


def walk(node):
    """Every dict inside a loaded schema, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_schema_requires_every_property_the_serializers_always_send(served_schema):
    # A DRF serializer's output carries every readable field, empty or null
    # included, so each of them must be `required` for typed clients.
    schemas = yaml.safe_load(served_schema)["components"]["schemas"]
    checked = []
    for name, serializer_class in inspect.getmembers(serializers_v1, inspect.isclass):
        component = schemas.get(name.removesuffix("Serializer"))
        if component is None or not issubclass(serializer_class, Serializer):
            continue
        sent = {
            field_name
            for field_name, field in serializer_class().fields.items()
            if not field.write_only
        }
        assert set(component.get("required", [])) == sent, name
        checked.append(name)
    assert len(checked) >= 20
    pages = [schema for name, schema in schemas.items() if name.startswith("Paginated")]
    assert len(pages) == 5
    for page in pages:
        assert set(page["required"]) == {"count", "next", "previous", "results"}


def test_schema_states_nullability_as_a_type(served_schema):
    schema = yaml.safe_load(served_schema)

    assert schema["openapi"].startswith("3.1.")
    assert not [node for node in walk(schema) if "nullable" in node]
    parent = schema["components"]["schemas"]["TopicList"]["properties"]["parent"]
    assert {"type": "null"} in parent["oneOf"]


def test_schema_declares_one_media_type_per_success_response(served_schema):
    # Two media types on one 200 give every generated client a union to untangle.
    for path, item in yaml.safe_load(served_schema)["paths"].items():
        for method, operation in item.items():
            assert len(operation["responses"]["200"]["content"]) == 1, (method, path)


def test_schema_types_json_ld_main_entities(served_schema):
    schemas = yaml.safe_load(served_schema)["components"]["schemas"]

    faq_page = schemas["FAQPage"]["properties"]["mainEntity"]
    assert faq_page["items"] == {"$ref": "#/components/schemas/SchemaOrgQuestion"}
    medical_web_page = schemas["MedicalWebPage"]["properties"]["mainEntity"]
    assert medical_web_page == {"$ref": "#/components/schemas/FAQPageEntity"}


def test_schema_types_assessment_answers_as_the_accepted_enum(served_schema):
    schemas = yaml.safe_load(served_schema)["components"]["schemas"]

    answers = schemas["AssessmentQuestion"]["properties"]["answers"]
    assert answers["items"] == {"$ref": "#/components/schemas/AssessmentAnswerEnum"}
    assert schemas["AssessmentAnswerEnum"]["enum"] == list(ALLOWED_ANSWERS)


def test_schema_declares_paging_parameters_of_search(served_schema):
    schema = yaml.safe_load(served_schema)
    operation = schema["paths"]["/api/v1/search/"]["get"]

    names = {resolved(schema, p)["name"] for p in operation["parameters"]}
    assert {"q", "limit", "offset"} <= names


def test_schema_declares_revalidation_on_every_get(served_schema):
    schema = yaml.safe_load(served_schema)
    gets = [item["get"] for item in schema["paths"].values() if "get" in item]

    assert len(gets) >= 10
    for operation in gets:
        names = {resolved(schema, p)["name"] for p in operation["parameters"]}
        assert {"If-None-Match", "If-Modified-Since"} <= names
        ok_headers = operation["responses"]["200"]["headers"]
        assert {"ETag", "Last-Modified", "Cache-Control", "X-Request-ID"} <= set(
            ok_headers
        )
        not_modified = resolved(schema, operation["responses"]["304"])
        assert "content" not in not_modified and "ETag" in not_modified["headers"]
        assert {"400", "406", "429", "503"} <= set(operation["responses"])


def test_schema_declares_what_a_post_can_be_refused_with(served_schema):
    schema = yaml.safe_load(served_schema)
    post = schema["paths"]["/api/v1/comparisons/{slug}/assessment/"]["post"]

    assert {"400", "406", "413", "415", "429", "503"} <= set(post["responses"])
    assert "Cache-Control" in post["responses"]["200"]["headers"]
    throttled = post["responses"]["429"]["headers"]
    assert {"Retry-After", "X-Request-ID", "Cache-Control"} <= set(throttled)

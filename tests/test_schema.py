"""The OpenAPI contract: valid, documented, and changed only on purpose."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

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

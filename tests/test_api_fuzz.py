"""Fuzzing from the schema: schemathesis sends generated requests to every operation.

Every response must be a non-5xx that conforms to the committed contract
(status codes, content types, headers, bodies), and invalid input must be
rejected.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.throttling import AnonRateThrottle

from rehabinfo.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture
def unthrottled(monkeypatch):
    # Fuzzing sends hundreds of requests; the 429 path is tested on its own.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": None})


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, seed_content, unthrottled):
    case.call_and_validate()

"""Fuzzing from the schema: schemathesis sends generated requests to every operation.

Every response must be a non-5xx that conforms to the committed contract
(status codes, content types, headers, bodies), and invalid input must be
rejected.
"""

import schemathesis
from hypothesis import HealthCheck, settings

from rehabinfo.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, seed_content, unthrottled):
    case.call_and_validate()

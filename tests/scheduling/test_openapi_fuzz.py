"""Schemathesis fuzzes every operation of the served OpenAPI schema with a valid token.

The only check is `not_a_server_error`: whatever the input, the API must not return 5xx.
Examples per operation stay small so the whole run takes well under a minute per backend.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.fixtures.services import SchedulingServer

MAX_EXAMPLES = 40


def test_no_server_errors(scheduling_server: SchedulingServer) -> None:
    base_url = scheduling_server.base_url
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    headers = scheduling_server.headers_for(scheduling_server.patients[0])
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9

    for operation in operations:

        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check_operation(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=base_url, headers=headers,
                                   checks=[not_a_server_error])

        check_operation()

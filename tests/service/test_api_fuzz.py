"""Schema-based fuzzing of the grading API (schemathesis, in-process): no 5xx, responses as
documented, and a refused request leaves gradebook and stored submissions untouched."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from test_service import state

from kurskit.service.app import ServiceSettings, create_app
from kurskit.service.identity import LocalIdentity

pytestmark = pytest.mark.nbgrader
EXAMPLES = 40  # per operation: bounded CI time
REAL = {"module_id": st.sampled_from(["beispiel-01-kurz", "beispiel-02-weitere", None]),
        "question_id": st.sampled_from(["frist", "grundsaetze", "aussagen", "meldefrist",
                                        None]),
        "attempt": st.sampled_from([1, 2, None])}
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


@pytest.fixture
def service_app(released_example):
    app = create_app(ServiceSettings(courses_dir=released_example.courses,
                                     grading_root=released_example.grading,
                                     identity=LocalIdentity("anna"),
                                     # the host name of schemathesis' in-process client
                                     allowed_hosts=("testserver", "localhost")))
    with TestClient(app):  # runs the lifespan: the grading worker is up
        yield app


def test_api_answers_every_generated_request_as_documented(service_app, released_example):
    """Every operation of the OpenAPI document, with generated valid and invalid requests."""
    root = released_example.grading
    schema = schemathesis.openapi.from_asgi("/openapi.json", service_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8

    for operation in operations:
        @given(case=operation.as_strategy(), real=st.fixed_dictionaries(REAL))
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers_as_documented(case, real) -> None:
            # mostly real modules and questions, so that the bodies reach the validation
            for name, value in real.items():
                if value is not None and name in (case.path_parameters or {}):
                    case.path_parameters[name] = value
            before = state(root)
            response = case.call()
            where = f"{case.method} {case.formatted_path}"
            assert response.status_code < 500, f"{where}: {response.text}"
            case.validate_response(response, checks=CHECKS)
            if 400 <= response.status_code < 500:
                assert state(root) == before, f"a refused request changed files: {where}"

        answers_as_documented()

"""A course author's hidden test that never ends: the learner hears in German that the
submission is stored but not graded, and the trainer reads why."""

import pytest
from fastapi.testclient import TestClient

from conftest import FIXTURES, make_project
from kurskit import layout
from kurskit.release.build import release_all
from kurskit.service.app import ServiceSettings, create_app
from kurskit.service.errors import GRADING_FAILED_DE
from kurskit.service.identity import HeaderIdentity

pytestmark = pytest.mark.nbgrader
RIGHT = {"frist": "72 Stunden", "grundsaetze": ["Zweckbindung", "Datenminimierung"],
         "rechtsgrundlagen": {"Bauantrag prüfen": "lit. e – öffentliche Aufgabe",
                              "Newsletter mit Zustimmung": "lit. a – Einwilligung"}}
LOOPING = "schleife-01-kurz"  # grading_seconds: 1


def test_a_hidden_test_that_never_ends_answers_in_german_and_tells_the_trainer(tmp_path):
    project = make_project(tmp_path / "projekt", FIXTURES / "courses-hidden-test-loops-forever")
    release_all(project)
    settings = ServiceSettings(courses_dir=project.courses, grading_root=project.grading,
                               identity=HeaderIdentity(), wait_seconds=30,
                               grading_process=True)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        stuck = client.post(f"/api/v1/modules/{LOOPING}/submissions", json={"answers": RIGHT},
                            headers={"X-Kurskit-Learner": "dora"})
        assert stuck.status_code == 202, stuck.text  # acknowledged: stored, grading failed
        status = client.get(stuck.json()["status_url"].removeprefix("http://localhost"),
                            headers={"X-Kurskit-Learner": "dora"})
        # a 4xx that names the problem, never a 500: the author's test failed, not the service
        assert status.status_code == 422 and status.json()["error"] == "grading_failed"
        assert status.json()["message_de"] == GRADING_FAILED_DE
    folder = layout.attempt_dir(project.grading, "dora", LOOPING, 1)
    why = (folder / layout.FAILED).read_text("utf-8")
    assert "GradingTimedOut" in why and "longer than 1 s" in why

"""„Meine Kurse“ from the record: state, score that counts, attempts, last activity."""

from __future__ import annotations

from kurskit.authoring.catalog import load_catalog
from kurskit.grading import drafts
from kurskit.grading.overview import PASSED, STARTED, my_courses


def states(project, learner):
    courses = my_courses(project.grading, load_catalog(project.courses), learner)
    return {m.id: m for c in courses for m in c.modules}


def test_each_module_of_a_learner_with_the_gradebooks_score(graded_example):
    # lern-q7-carla: module 01 partly right, module 02 with two answers (conftest)
    carla = states(graded_example, "lern-q7-carla")
    first, second = carla["beispiel-01-kurz"], carla["beispiel-02-weitere"]
    assert first.attempts == 1 and first.score is not None and first.last_activity
    assert first.state == (PASSED if 100 * first.score / first.max_score >= 60 else STARTED)
    assert second.attempts == 1 and second.score is not None
    nobody = states(graded_example, "lern-q7-niemand")
    assert {m.state for m in nobody.values()} == {"offen"}
    assert {m.score for m in nobody.values()} == {None}


def test_a_draft_alone_makes_a_module_begun(released_example):
    catalog = load_catalog(released_example.courses)
    module = catalog.module("beispiel-01-kurz")
    drafts.save(released_example.grading, "lern-entwurf", module, {"frist": "72 Stunden"})
    found = states(released_example, "lern-entwurf")["beispiel-01-kurz"]
    assert (found.state, found.attempts, found.score) == (STARTED, 0, None)
    assert found.last_activity is not None

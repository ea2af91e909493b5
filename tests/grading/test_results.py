"""The learner's result of an attempt, and what its status tells the learner's page."""

from datetime import UTC, datetime

import pytest
from nbformat.v4 import new_notebook

from kurskit import layout
from kurskit.authoring.catalog import load_catalog
from kurskit.grading import inbox, results
from kurskit.nbgrader_course import GradeResult, QuestionGrade


@pytest.fixture
def module(example_project):
    return load_catalog(example_project.courses).module("beispiel-02-weitere")


def test_a_free_text_answer_is_pending_until_a_trainer_grades_it(module):
    graded = GradeResult(module.id, "anna", 3.0, 7.0, {
        "ablauf_test": QuestionGrade("ablauf_test", 1.0, 1.0),
        "antwortschreiben": QuestionGrade("antwortschreiben", None, 2.0)})
    result = results.build_result(module, 1, datetime(2026, 3, 2, tzinfo=UTC),
                                  {"ablauf": ["a"], "antwortschreiben": "Sehr geehrter"},
                                  graded, 0.01234)
    by_id = {q.id: q for q in result.questions}
    assert by_id["ablauf"].correct and by_id["ablauf"].answered
    free = by_id["antwortschreiben"]
    assert free.pending and free.points is None and not free.correct
    assert free.feedback == results.PENDING_FEEDBACK  # never the trainers' guidance
    assert result.pending_points == 2.0 and result.grading_seconds == 0.012
    unanswered = by_id["meldefrist"]
    assert (unanswered.points, unanswered.answered) == (0.0, False)


def test_the_state_of_an_attempt_says_pending_failed_or_graded(tmp_path):
    assert not results.attempt_state(tmp_path, "anna", "m", 1).exists
    _, entry = inbox.accept(tmp_path, "anna", "m", "01.ipynb", new_notebook(), {})
    pending = results.attempt_state(tmp_path, "anna", "m", 1)
    assert pending.exists and not pending.failed and pending.result is None
    assert pending.submitted_at is not None
    results.mark_failed(entry.attempt_path(tmp_path), RuntimeError("gradebook locked"))
    assert results.attempt_state(tmp_path, "anna", "m", 1).failed
    results.mark_failed(entry.attempt_path(tmp_path), None)
    inbox.done(tmp_path, entry)  # neither queued nor graded: lost for the learner's page
    assert results.attempt_state(tmp_path, "anna", "m", 1).failed
    assert [s.score for s in results.summaries(tmp_path, "anna", "m")] == [None]


def test_a_stored_result_is_what_the_status_and_the_listing_show(tmp_path, module):
    _, entry = inbox.accept(tmp_path, "anna", module.id, "02.ipynb", new_notebook(), {})
    graded = GradeResult(module.id, "anna", 2.0, 7.0, {})
    stored = results.build_result(module, 1, datetime.now(UTC), {}, graded, 0.1)
    (entry.attempt_path(tmp_path) / layout.RESULT).write_text(stored.model_dump_json(), "utf-8")
    assert results.attempt_state(tmp_path, "anna", module.id, 1).result == stored
    (summary,) = results.summaries(tmp_path, "anna", module.id)
    assert (summary.attempt, summary.score, summary.max_score) == (1, 2.0, 7.0)


def test_a_result_emptied_by_a_power_loss_answers_no_500(tmp_path, module):
    """Issue 13 item 10: a damaged result.json reads as not graded, never as a crash."""
    _, entry = inbox.accept(tmp_path, "anna", module.id, "02.ipynb", new_notebook(), {})
    (entry.attempt_path(tmp_path) / layout.RESULT).write_text("", "utf-8")
    state = results.attempt_state(tmp_path, "anna", module.id, 1)
    assert state.exists and state.result is None and not state.failed  # still queued
    assert [s.score for s in results.summaries(tmp_path, "anna", module.id)] == [None]


def test_the_result_is_synced_before_the_inbox_entry_goes(tmp_path, module, monkeypatch):
    from kurskit import durable

    synced = []
    real_replace = durable.replace
    monkeypatch.setattr(durable, "replace", lambda path, data, durable=True: (
        synced.append((path.name, durable)), real_replace(path, data, durable=durable))[1])
    _, entry = inbox.accept(tmp_path, "anna", module.id, "02.ipynb", new_notebook(), {})
    graded = GradeResult(module.id, "anna", 2.0, 7.0, {})
    from kurskit.grading.gradebook_writer import Recorded

    results.store_result(_Catalog(module), tmp_path, entry,
                         Recorded(score=2.0, max_score=7.0, grades={}), 0.1)
    assert (layout.RESULT, True) in synced
    assert graded.score == results.read_stored(entry.attempt_path(tmp_path)).score


class _Catalog:
    def __init__(self, module):
        self._module = module

    def module(self, module_id):
        return self._module if module_id == self._module.id else None

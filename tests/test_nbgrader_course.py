"""nbgrader integration: release and autograde through nbgrader's own API and gradebook."""

import nbformat
import pytest

from kurskit import nbgrader_course
from kurskit.grading import attempts
from kurskit.grading.submission import build_submission

pytestmark = pytest.mark.nbgrader


def store_attempt(root, learner, module_id, notebook, submission, answers):
    """An attempt made nbgrader's current submission, as the grading service does."""
    attempts.make_current(root, attempts.store(root, learner, module_id, notebook,
                                               submission, answers))


def test_release_strips_solutions_and_hidden_tests(released_example):
    release = (released_example.grading / "release" / "beispiel-01-kurz" / "01-kurz.ipynb")
    text = release.read_text("utf-8")
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert "check_single_choice" not in text
    assert "Art. 33 DSGVO: möglichst binnen 72 Stunden." not in text
    assert "Die Antwort wird beim Abgeben" in text  # the harmless stub, not NotImplementedError
    assert "NotImplementedError" not in text


@pytest.mark.parametrize("answers, expected", [
    ({"frist": "72 Stunden", "grundsaetze": ["Datenminimierung", "Zweckbindung"],
      "rechtsgrundlagen": {"Bauantrag prüfen": "lit. e – öffentliche Aufgabe",
                           "Newsletter mit Zustimmung": "lit. a – Einwilligung"}}, 4.0),
    ({"frist": "72 Stunden", "grundsaetze": ["Datenminimierung"]}, 1.0),
    ({}, 0.0),
])
def test_autograde_scores_land_in_the_gradebook(released_example, answers, expected):
    root = released_example.grading
    release = nbformat.read(root / "release" / "beispiel-01-kurz" / "01-kurz.ipynb", 4)
    full = {"frist": None, "grundsaetze": None, "rechtsgrundlagen": None, **answers}
    with nbgrader_course.course_lock(root):
        store_attempt(root, "anna", "beispiel-01-kurz", "01-kurz.ipynb",
                      build_submission(release, full), full)
    result = nbgrader_course.autograde(root, "beispiel-01-kurz", "anna", "01-kurz.ipynb")
    assert result.score == expected and result.max_score == 4.0
    again = nbgrader_course.read_result(root, "beispiel-01-kurz", "anna", "01-kurz.ipynb")
    assert again.score == expected
    assert set(again.grades) == {"frist_test", "grundsaetze_test", "rechtsgrundlagen_test"}


@pytest.mark.parametrize("answers, expected", [
    ({"ablauf": ["Antrag annehmen", "Antrag prüfen", "Bescheid versenden"], "meldefrist": 72,
      "artikel": "artikel 33"}, 3.0),
    ({"ablauf": ["Antrag prüfen", "Antrag annehmen", "Bescheid versenden"], "meldefrist": 24,
      "artikel": "Art. 33."}, 1.0),
])
def test_ordering_numeric_short_text_through_nbgrader(released_example, answers, expected):
    root, module = released_example.grading, "beispiel-02-weitere"
    release = nbformat.read(root / "release" / module / "02-weitere.ipynb", 4)
    with nbgrader_course.course_lock(root):
        store_attempt(root, "bernd", module, "02-weitere.ipynb",
                      build_submission(release, answers), answers)
    result = nbgrader_course.autograde(root, module, "bernd", "02-weitere.ipynb")
    assert (result.score, result.max_score) == (expected, 8.0)  # 2 wait for a trainer, 1: the pool
    assert result.grades["antwortschreiben"].score == 0.0  # unanswered free text: 0 at once


@pytest.mark.parametrize("judged, points", [(4, 2.0), (3, 1.5), (2, 1.0), (0, 0.0)])
def test_true_false_partial_credit_through_nbgrader(released_example, judged, points):
    root, module = released_example.grading, "beispiel-02-weitere"
    truth = {"Die DSGVO gilt seit 2018.": True, "Behörden stützen sich auf lit. f.": False,
             "Auch Papierakten können unter die DSGVO fallen.": True,
             "Eine Datenpanne muss nie gemeldet werden.": False}
    answer = {s: (v if i < judged else not v) for i, (s, v) in enumerate(truth.items())}
    release = nbformat.read(root / "release" / module / "02-weitere.ipynb", 4)
    answers = {"aussagen": answer}
    with nbgrader_course.course_lock(root):
        store_attempt(root, "dora", module, "02-weitere.ipynb",
                      build_submission(release, answers), answers)
    result = nbgrader_course.autograde(root, module, "dora", "02-weitere.ipynb")
    assert result.grades["aussagen_test"].score == points


def test_free_text_waits_for_the_trainer_and_then_counts(released_example):
    from nbgrader.api import Gradebook

    root, module = released_example.grading, "beispiel-02-weitere"
    release = nbformat.read(root / "release" / module / "02-weitere.ipynb", 4)
    answers = {"antwortschreiben": "Sehr geehrter Herr Krause, <script>alert(1)</script> ..."}
    with nbgrader_course.course_lock(root):
        store_attempt(root, "carla", module, "02-weitere.ipynb",
                      build_submission(release, answers), answers)
    result = nbgrader_course.autograde(root, module, "carla", "02-weitere.ipynb")
    assert result.grades["antwortschreiben"].score is None  # pending, not 0
    with Gradebook(nbgrader_course.db_url(root)) as gradebook:  # what formgrader does
        grade = gradebook.find_grade("antwortschreiben", "02-weitere", module, "carla")
        grade.manual_score = 1.5
        gradebook.db.commit()
    after = nbgrader_course.read_result(root, module, "carla", "02-weitere.ipynb")
    assert after.grades["antwortschreiben"].score == 1.5 and after.score == 1.5

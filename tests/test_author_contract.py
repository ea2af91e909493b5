"""The two import paths course authors rely on stay working: `kurskit.exercises` (setup
cells of every module) and `kurskit.checks` (hidden tests, also those kept in gradebooks)."""

import kurskit.checks
import kurskit.exercises
from kurskit.authoring import checks
from kurskit.authoring.questions import CHECK_FUNCTIONS, KINDS
from kurskit.portal.widgets import elements, kinds, page, submit


def test_every_question_kind_has_its_widget_function_in_kurskit_exercises():
    for kind, question_kind in KINDS.items():
        home = elements if question_kind.interactive else kinds
        assert getattr(kurskit.exercises, kind) is getattr(home, kind)
    assert kurskit.exercises.start_module is page.start_module
    assert kurskit.exercises.submit_panel is submit.submit_panel


def test_every_check_function_of_a_hidden_test_is_in_kurskit_checks():
    for name in CHECK_FUNCTIONS:
        assert getattr(kurskit.checks, name) is getattr(checks, name)
    assert issubclass(kurskit.checks.WrongAnswer, AssertionError)


def test_a_hidden_test_as_a_gradebook_keeps_it_still_runs():
    namespace: dict = {"frist": "24 Stunden"}
    exec("from kurskit.checks import check_single_choice\n"
         "try:\n"
         "    check_single_choice(frist, '72 Stunden', 'Art. 33 DSGVO: 72 Stunden.')\n"
         "except AssertionError as error:\n"
         "    outcome = str(error)\n", namespace)
    assert namespace["outcome"].startswith("Leider nicht richtig.")

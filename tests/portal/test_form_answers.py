"""The HTML module page's fields → answers: the shape the widgets produce, nothing else."""

import pytest

from kurskit.authoring.questions import QuestionSpec
from kurskit.portal.form_answers import FormRefused, answers_from_form
from kurskit.portal.numbers import parse_number

QUESTIONS = {
    "wahl": QuestionSpec("wahl", "single_choice", "?", {"options": ("A", "B", "C")}),
    "mehr": QuestionSpec("mehr", "multiple_choice", "?", {"options": ("A", "B", "C")}),
    "aussagen": QuestionSpec("aussagen", "true_false", "?", {"statements": ("S1", "S2")}),
    "zuordnung": QuestionSpec("zuordnung", "matching", "?",
                              {"cases": ("F1", "F2"), "categories": ("K1", "K2")}),
    "ablauf": QuestionSpec("ablauf", "ordering", "?", {"items": ("x", "y", "z")}),
    "frist": QuestionSpec("frist", "numeric", "?", texts={"unit": "Tage"}),
    "artikel": QuestionSpec("artikel", "short_text", "?"),
    "brief": QuestionSpec("brief", "free_text", "?"),
}


def test_every_kind_takes_the_widgets_shape():
    answers = answers_from_form(QUESTIONS, [
        ("wahl", "1"), ("mehr", "2"), ("mehr", "0"), ("aussagen::1", "falsch"),
        ("aussagen::0", "richtig"), ("zuordnung::0", "1"), ("zuordnung::1", ""),
        ("ablauf::0", "2"), ("ablauf::1", "0"), ("ablauf::2", "1"), ("frist", "2,5"),
        ("artikel", "  Art. 33 "), ("brief", " Sehr geehrte Frau Berg "),
    ])
    assert answers == {
        "wahl": "B", "mehr": ["A", "C"], "aussagen": {"S1": True, "S2": False},
        "zuordnung": {"F1": "K2"}, "ablauf": ["z", "x", "y"], "frist": 2.5,
        "artikel": "Art. 33", "brief": "Sehr geehrte Frau Berg",
    }


def test_unanswered_questions_are_none():
    assert set(answers_from_form(QUESTIONS, []).values()) == {None}
    incomplete = answers_from_form(QUESTIONS, [("ablauf::0", "0"), ("ablauf::1", "1"),
                                               ("ablauf::2", "")])
    twice = answers_from_form(QUESTIONS, [("ablauf::0", "0"), ("ablauf::1", "0"),
                                          ("ablauf::2", "1")])
    assert incomplete["ablauf"] is None and twice["ablauf"] is None
    assert answers_from_form(QUESTIONS, [("frist", "zwei")])["frist"] is None
    assert answers_from_form(QUESTIONS, [("artikel", "   ")])["artikel"] is None


def test_texts_are_cut_to_the_widgets_limits():
    answers = answers_from_form(QUESTIONS, [("artikel", "a" * 500), ("brief", "b" * 9000)])
    assert len(answers["artikel"]) == 200 and len(answers["brief"]) == 5000


@pytest.mark.parametrize("pairs", [
    [("unbekannt", "1")],            # a field no question has
    [("wahl", "3")],                 # a choice beyond the list
    [("wahl", "-1")], [("wahl", "1.0")], [("wahl", "__class__")],
    [("aussagen::7", "richtig")],    # a statement that does not exist
    [("zuordnung::x", "0")], [("zuordnung::0", "9")],
    [("ablauf::5", "0")],
])
def test_fields_that_are_not_from_the_page_are_refused(pairs):
    with pytest.raises(FormRefused):
        answers_from_form(QUESTIONS, pairs)


@pytest.mark.parametrize("typed, number", [
    ("72", 72), ("2,5", 2.5), ("1.000", 1000), ("0.5", 0.5), ("1.000,5", 1000.5), (" 3 ", 3),
    ("", None), ("drei", None), ("nan", None), ("inf", None),
])
def test_numbers_are_read_as_germans_type_them(typed, number):
    assert parse_number(typed) == number

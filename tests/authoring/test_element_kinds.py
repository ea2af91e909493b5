"""Interactive elements as question kinds: their material is checked, their answer is a
plain kind's answer, and the catalogue opens the modules that have them in Voilà."""

import ast

import pytest

from kurskit.authoring.questions import (
    KINDS,
    AnswerRefused,
    SpecError,
    normalize_answer,
)

MAILS = [{"absender": "Kasse", "adresse": "a@b.example", "betreff": "Mahnung", "text": "Zahlen",
          "links": [["Zahlen", "https://b.example"]], "anhang": "x.zip",
          "merkmale": ["M1: Absender", "M1: Anhang"]}]
CALLS = {
    "phishing_inspector": f"phishing_inspector('q', 'Was?', ['M1: Absender', 'M1: Anhang'], "
                          f"{MAILS!r})",
    "password_lab": "password_lab('q', 'Wie lang?', 'Zeichen', {'versuche_pro_sekunde': 1e10})",
    "maturity_check": "maturity_check('q', 'Stufe?', ['A', 'B', 'C'], ['Gibt es A?', "
                      "'Gibt es B?'], ['a', 'b', 'c'])",
    "data_chart": "data_chart('q', 'Tag?', ['Mo', 'Di'], {'X': {'vor': [1, None]}}, "
                  "{'titel': 'T', 'einheit': 'Minuten', 'filter1': 'F1', 'filter2': 'F2'})",
}


def spec_of(source: str):
    call = ast.parse(source).body[0].value
    return KINDS[call.func.id].spec_from_call(call)


@pytest.mark.parametrize("kind", sorted(CALLS))
def test_an_element_is_read_with_its_material_and_answers_as_a_plain_kind(kind):
    spec = spec_of(CALLS[kind])
    assert spec.kind == kind and spec.data
    assert KINDS[kind].interactive
    assert KINDS[kind].answer_kind in ("multiple_choice", "numeric", "single_choice")
    assert KINDS[kind].check_function == KINDS[KINDS[kind].answer_kind].check_function


def test_plain_kinds_are_not_interactive_and_answer_as_themselves():
    for name in ("single_choice", "multiple_choice", "numeric", "free_text"):
        assert not KINDS[name].interactive and KINDS[name].answer_kind == name


def test_element_answers_are_validated_like_their_plain_kind():
    phishing = spec_of(CALLS["phishing_inspector"])
    assert normalize_answer(phishing, ["M1: Anhang", "M1: Absender"]) == ["M1: Absender",
                                                                          "M1: Anhang"]
    with pytest.raises(AnswerRefused):
        normalize_answer(phishing, ["a@b.example"])
    assert normalize_answer(spec_of(CALLS["password_lab"]), 12) == 12
    with pytest.raises(AnswerRefused):
        normalize_answer(spec_of(CALLS["maturity_check"]), "D")


@pytest.mark.parametrize("source, problem", [
    ("phishing_inspector('q', 'W?', ['M1: Absender', 'M9'], " + repr(MAILS) + ")",
     "exactly one mail"),
    ("phishing_inspector('q', 'W?', ['M1: Absender', 'M1: Anhang'], [{'absender': 'x'}])",
     "mails must be"),
    ("password_lab('q', 'W?', 'Zeichen', {'versuche_pro_sekunde': 0})", "positive"),
    ("maturity_check('q', 'S?', ['A', 'B', 'C'], ['Nur eine?'], ['a', 'b', 'c'])", "fragen"),
    ("data_chart('q', 'T?', ['Mo', 'Di'], {'X': {'vor': [1]}}, {'titel': 'T', 'einheit': 'M', "
     "'filter1': 'a', 'filter2': 'b'})", "werte"),
    ("data_chart('q', 'T?', ['Mo', 'Di'], {'X': {'vor': [1, 2]}}, {'titel': 'T'})",
     "beschriftung"),
])
def test_broken_material_is_refused_with_a_reason(source, problem):
    with pytest.raises(SpecError, match=problem):
        spec_of(source)


def test_four_catalogue_modules_in_three_courses_open_in_voila(real_catalog):
    interactive = [m for m in real_catalog.modules if m.view == "voila"]
    assert {m.id for m in interactive} == {
        "it-sicherheit-02-phishing-erkennen", "it-sicherheit-03-passwoerter-2fa-passkeys",
        "ozg-02-reifegrad-leika-fim", "digitale-grundkompetenzen-02-informationen-bewerten"}
    assert {e.spec.kind for m in interactive for e in m.notebook.exercises
            if KINDS[e.spec.kind].interactive} == set(CALLS)
    assert all(m.view == "page" for m in real_catalog.modules if m not in interactive)

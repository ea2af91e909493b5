import ast

import pytest

from kurskit.questions import KINDS, AnswerRefused, SpecError, normalize_answer


def spec(source: str):
    call = ast.parse(source).body[0].value
    return KINDS[call.func.id].spec_from_call(call)


SINGLE = spec('single_choice("frist", "Wie lange?", ["24 Stunden", "72 Stunden"])')
MULTI = spec('multiple_choice("g", "Welche?", ["A", "B", "C"])')
MATCH = spec('matching("m", "Ordnen Sie zu.", ["Fall 1", "Fall 2"], ["lit. a", "lit. e"])')


def test_spec_reads_literal_arguments():
    assert SINGLE.qid == "frist" and SINGLE.choices["options"] == ("24 Stunden", "72 Stunden")
    assert MATCH.choices["cases"] == ("Fall 1", "Fall 2")
    assert "solution" not in str(MATCH.public())


@pytest.mark.parametrize("source, message", [
    ('single_choice("x", "Frage?", OPTIONEN)', "must be a literal"),
    ('single_choice("x y", "Frage?", ["a", "b"])', "ASCII identifier"),
    ('single_choice("x", "Frage?", ["a"])', "at least two"),
    ('single_choice("x", "Frage?", ["a", "a"])', "duplicates"),
    ('single_choice("x", "Frage?")', "missing"),
    ('single_choice("x", "Frage?", ["a", "b"], extra=1)', "unexpected"),
    ('matching("x", "Frage?", ["a", "b"])', "missing"),
])
def test_malformed_question_calls_are_named(source, message):
    with pytest.raises(SpecError, match=message):
        spec(source)


def test_single_choice_answers():
    assert normalize_answer(SINGLE, "72 Stunden") == "72 Stunden"
    assert normalize_answer(SINGLE, None) is None
    for bad in ["96 Stunden", 72, ["72 Stunden"], "__import__('os')"]:
        with pytest.raises(AnswerRefused) as refused:
            normalize_answer(SINGLE, bad)
        assert refused.value.german


def test_multiple_choice_answers_are_put_in_author_order():
    assert normalize_answer(MULTI, ["C", "A"]) == ["A", "C"]
    for bad in ["A", ["A", "A"], ["D"], [1]]:
        with pytest.raises(AnswerRefused):
            normalize_answer(MULTI, bad)


def test_matching_answers():
    assert normalize_answer(MATCH, {"Fall 2": "lit. a"}) == {"Fall 2": "lit. a"}
    for bad in [{"Fall 3": "lit. a"}, {"Fall 1": "lit. f"}, ["Fall 1"], {"Fall 1": {"x": 1}}]:
        with pytest.raises(AnswerRefused):
            normalize_answer(MATCH, bad)


def test_solution_problems():
    assert KINDS["single_choice"].solution_problems(SINGLE, "72 Stunden") == []
    assert KINDS["single_choice"].solution_problems(SINGLE, "3 Tage")
    assert KINDS["matching"].solution_problems(MATCH, {"Fall 1": "lit. a"})  # Fall 2 missing

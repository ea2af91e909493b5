import ast

import pytest

from kurskit.authoring.questions import KINDS, AnswerRefused, SpecError, normalize_answer


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


ORDER = spec('ordering("ablauf", "Reihenfolge?", ["prüfen", "annehmen", "entscheiden"])')
NUMBER = spec('numeric("frist", "Wie viele Stunden?", "Stunden")')
TEXT = spec('short_text("artikel", "Welcher Artikel?")')


def test_ordering_answers_must_be_a_permutation():
    answer = ["annehmen", "prüfen", "entscheiden"]
    assert normalize_answer(ORDER, answer) == answer
    for bad in [["annehmen", "prüfen"], ["annehmen", "annehmen", "prüfen"], "annehmen"]:
        with pytest.raises(AnswerRefused):
            normalize_answer(ORDER, bad)
    assert KINDS["ordering"].solution_problems(ORDER, list(ORDER.choices["items"]))  # unscrambled


def test_numeric_answers_are_numbers_not_text_or_bool():
    assert NUMBER.texts == {"unit": "Stunden"}
    assert normalize_answer(NUMBER, 72) == 72 and normalize_answer(NUMBER, 2.5) == 2.5
    for bad in ["72", True, [72]]:
        with pytest.raises(AnswerRefused):
            normalize_answer(NUMBER, bad)


def test_short_text_answers_are_bounded_text():
    assert normalize_answer(TEXT, "  Art. 33 ") == "Art. 33"
    for bad in [33, "x" * 201]:
        with pytest.raises(AnswerRefused):
            normalize_answer(TEXT, bad)
    assert KINDS["short_text"].solution_problems(TEXT, ["Art. 33", "33"]) == []
    assert KINDS["short_text"].solution_problems(TEXT, "Art. 33")
    assert KINDS["short_text"].answer_for_solution(["Art. 33", "33"]) == "Art. 33"


def test_true_false_and_shuffle():
    tf = spec('true_false("t", "Stimmt das?", ["A", "B"], shuffle=True)')
    assert tf.shuffle is True and tf.choices["statements"] == ("A", "B")
    assert normalize_answer(tf, {"A": True}) == {"A": True}
    for bad in [{"A": "ja"}, {"C": True}, ["A"]]:
        with pytest.raises(AnswerRefused):
            normalize_answer(tf, bad)
    assert KINDS["true_false"].solution_problems(tf, {"A": True})  # B not judged
    with pytest.raises(SpecError, match="shuffle must be True or False"):
        spec('single_choice("x", "F?", ["a", "b"], shuffle="ja")')
    with pytest.raises(SpecError, match="unexpected argument 'shuffle'"):
        spec('ordering("x", "F?", ["a", "b"], shuffle=True)')

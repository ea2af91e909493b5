import pytest

from kurskit.authoring.checks import (
    check_matching,
    check_multiple_choice,
    check_numeric,
    check_ordering,
    check_short_text,
    check_single_choice,
    check_true_false,
)


def test_right_answers_pass():
    check_single_choice("b", "b", "Erklärung")
    check_multiple_choice(["b", "a"], ["a", "b"], "Erklärung")
    check_matching({"x": "1"}, {"x": "1"}, "Erklärung")
    check_ordering(["a", "b"], ["a", "b"], "Erklärung")
    check_numeric(72, 72, "Erklärung")
    check_numeric(3.4, 3.5, "Erklärung", tolerance=0.25)
    check_short_text(" artikel  33. ", ["Art. 33", "Artikel 33"], "Erklärung")


@pytest.mark.parametrize("call", [
    lambda: check_single_choice("a", "b", "Weil b."),
    lambda: check_single_choice(None, "b", "Weil b."),
    lambda: check_multiple_choice(["a"], ["a", "b"], "Weil b."),
    lambda: check_multiple_choice(["a", "a", "b"], ["a", "b"], "Weil b."),
    lambda: check_multiple_choice("ab", ["a", "b"], "Weil b."),
    lambda: check_matching({"x": "2"}, {"x": "1"}, "Weil b."),
    lambda: check_matching(None, {"x": "1"}, "Weil b."),
    lambda: check_ordering(["b", "a"], ["a", "b"], "Weil b."),
    lambda: check_numeric(71, 72, "Weil b."),
    lambda: check_numeric(True, 1, "Weil b."),
    lambda: check_numeric("72", 72, "Weil b."),
    lambda: check_numeric(3.0, 3.5, "Weil b.", tolerance=0.25),
    lambda: check_short_text("Art. 32", ["Art. 33"], "Weil b."),
    lambda: check_short_text(None, ["Art. 33"], "Weil b."),
])
def test_wrong_answers_fail_with_the_explanation(call):
    with pytest.raises(AssertionError, match=r"Leider nicht richtig\. Weil b\."):
        call()


def test_partial_credit_when_the_author_allows_it():
    solution = ["a", "b", "c", "d"]
    assert check_multiple_choice(["a", "b", "c", "d"], solution, "E", points=2) is None
    assert check_multiple_choice(["a", "b", "c"], solution, "E", points=2) == 1.5
    assert check_multiple_choice(["a", "b", "c", "x"], solution, "E", points=2) == 1.0
    with pytest.raises(AssertionError):  # as many wrong as right: nothing
        check_multiple_choice(["a", "x"], solution, "E", points=2)
    with pytest.raises(AssertionError):  # without points= it is all or nothing
        check_multiple_choice(["a", "b", "c"], solution, "E")
    assert check_matching({"x": "1", "y": "2"}, {"x": "1", "y": "3"}, "E", points=1) == 0.5
    truth = {"s1": True, "s2": False, "s3": True}
    assert check_true_false({"s1": True, "s2": False}, truth, "E", points=3) == 2.0
    assert check_true_false(truth, truth, "E", points=3) is None
    with pytest.raises(AssertionError):
        check_true_false({"s1": "ja"}, truth, "E", points=3)


def test_ordering_earns_the_share_of_pairs_in_the_right_order():
    steps = ["a", "b", "c", "d"]
    assert check_ordering(steps, steps, "E", points=2) is None
    assert check_ordering(["b", "a", "c", "d"], steps, "E", points=2) == 1.67  # 5 of 6 pairs
    assert check_ordering(["b", "c", "d", "a"], steps, "E", points=2) == 1.0  # 3 of 6 pairs
    for answer in (["d", "c", "b", "a"], ["a", "b", "c"], ["a", "b", "c", "x"], "abcd"):
        with pytest.raises(AssertionError):
            check_ordering(answer, steps, "E", points=2)
    with pytest.raises(AssertionError):  # without points= it is all or nothing
        check_ordering(["b", "a", "c", "d"], steps, "E")


def test_grade_pool_grades_the_one_answered_variant_and_fails_otherwise():
    import pytest as _pytest

    from kurskit.checks import NOT_DRAWN, WrongAnswer, grade_pool

    tests = {"a": 'from kurskit.checks import check_single_choice\n'
                  'check_single_choice(a, "x", "Erklärung a")',
             "b": 'from kurskit.checks import check_multiple_choice\n'
                  'check_multiple_choice(b, ["x", "y"], "Erklärung b", points=2)'}
    assert grade_pool("p", {"a": "x", "b": NOT_DRAWN}, tests) is None  # full marks
    assert grade_pool("p", {"a": NOT_DRAWN, "b": ["x"]}, tests) == 1.0  # partial credit
    with _pytest.raises(WrongAnswer):
        grade_pool("p", {"a": "y", "b": NOT_DRAWN}, tests)  # the drawn one, wrong
    for namespace in ({"a": NOT_DRAWN, "b": NOT_DRAWN}, {}, {"a": "x", "b": ["x", "y"]},
                      {"a": "x", "b": "..."}):  # none, nothing bound, all, a forged marker
        with _pytest.raises(WrongAnswer, match="genau eine"):
            grade_pool("p", dict(namespace), tests)


def test_a_pool_variant_that_never_ends_is_stopped_by_the_grading_time_limit():
    from types import SimpleNamespace

    import pytest as _pytest

    from kurskit.checks import grade_pool
    from kurskit.grading.hidden_tests import GradingTimedOut, time_limit

    cell = compile('grade_pool("p", globals(), {"a": "while True:\\n    pass"})',
                   "<modul:p_test>", "exec")
    with _pytest.raises(GradingTimedOut), time_limit(SimpleNamespace(assignment="modul"), 0.5):
        exec(cell, {"grade_pool": grade_pool, "a": "x"})

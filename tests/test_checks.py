import pytest

from kurskit.checks import check_matching, check_multiple_choice, check_single_choice


def test_right_answers_pass():
    check_single_choice("b", "b", "Erklärung")
    check_multiple_choice(["b", "a"], ["a", "b"], "Erklärung")
    check_matching({"x": "1"}, {"x": "1"}, "Erklärung")


@pytest.mark.parametrize("call", [
    lambda: check_single_choice("a", "b", "Weil b."),
    lambda: check_single_choice(None, "b", "Weil b."),
    lambda: check_multiple_choice(["a"], ["a", "b"], "Weil b."),
    lambda: check_multiple_choice(["a", "a", "b"], ["a", "b"], "Weil b."),
    lambda: check_multiple_choice("ab", ["a", "b"], "Weil b."),
    lambda: check_matching({"x": "2"}, {"x": "1"}, "Weil b."),
    lambda: check_matching(None, {"x": "1"}, "Weil b."),
])
def test_wrong_answers_fail_with_the_explanation(call):
    with pytest.raises(AssertionError, match=r"Leider nicht richtig\. Weil b\."):
        call()

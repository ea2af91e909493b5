"""What hidden tests import: `from kurskit.checks import check_single_choice`, ….

A contract for course authors and for the hidden tests that nbgrader's gradebooks keep,
which must still run years later; the check functions live in `kurskit.authoring.checks`.
"""

from kurskit.authoring.checks import (
    NOT_DRAWN,
    WrongAnswer,
    check_matching,
    check_multiple_choice,
    check_numeric,
    check_ordering,
    check_short_text,
    check_single_choice,
    check_true_false,
    grade_pool,
    normalize_text,
)

__all__ = ["NOT_DRAWN", "WrongAnswer", "check_matching", "check_multiple_choice", "check_numeric",
           "check_ordering", "check_short_text", "check_single_choice", "check_true_false",
           "grade_pool", "normalize_text"]

"""The quiz policy read from course.yml, the grading method, and what a review shows."""

from datetime import UTC, datetime

import pytest

from kurskit.grading.results import QuestionResult, SubmissionResult
from kurskit.qualification.policy import Policy, policy_of, selected_attempt
from kurskit.qualification.review import LATER_DE, present


def test_defaults_three_attempts_highest_counts_sixty_percent_passes():
    policy = policy_of({})
    assert (policy.attempts_allowed, policy.grading_method, policy.pass_percent) == (
        3, "highest", 60)
    assert (policy.review_during, policy.review_after) == ("correctness", "explanations")
    assert policy.passed(6, 10) and not policy.passed(5.9, 10)


def test_a_module_overrides_its_course():
    manifest = {"attempts_allowed": 5, "pass_percent": 70, "grading_method": "last",
                "module_settings": {"02-b.ipynb": {"attempts_allowed": 1,
                                                   "grading_method": "first"}}}
    assert policy_of(manifest, "01-a.ipynb") == Policy(5, "last", 70)
    assert policy_of(manifest, "02-b.ipynb") == Policy(1, "first", 70)


@pytest.mark.parametrize("method, chosen", [("highest", 2), ("last", 4), ("first", 1)])
def test_the_grading_method_chooses_the_counted_attempt(method, chosen):
    scores = {1: 1.0, 2: 4.0, 3: 4.0, 4: 2.0}  # of equal best scores the earlier counts
    assert selected_attempt(scores, method) == chosen
    assert selected_attempt({}, method) is None


def result(score: float) -> SubmissionResult:
    return SubmissionResult(
        module="m", learner="anna", attempt=1, submitted_at=datetime.now(UTC), score=score,
        max_score=2, grading_seconds=0.1,
        questions=[QuestionResult(id="a", points=score / 2, max_points=1, correct=score == 2,
                                  answered=True, feedback="Die Antwort ist B, weil …"),
                   QuestionResult(id="b", points=score / 2, max_points=1, correct=score == 2,
                                  answered=True, feedback="Die Antwort ist C, weil …")])


def test_before_the_review_point_no_explanation_only_right_or_wrong():
    shown = present(result(0), Policy(), attempts_used=1, scores={1: (0, 2)})
    assert [q.feedback for q in shown.questions] == [LATER_DE, LATER_DE]
    assert "Die Antwort ist" not in shown.model_dump_json()
    assert (shown.review, shown.attempts_left, shown.module_passed) == ("correctness", 2, False)
    assert [q.correct for q in shown.questions] == [False, False]


def test_review_point_passed_or_last_attempt_shows_the_explanations():
    passed = present(result(2), Policy(), attempts_used=1, scores={1: (2, 2)})
    assert passed.review == "full" and passed.module_passed is True
    assert passed.questions[0].feedback.startswith("Die Antwort ist B")
    last = present(result(0), Policy(), attempts_used=3, scores={1: (0, 2), 2: (0, 2),
                                                                  3: (0, 2)})
    assert last.review == "full" and last.attempts_left == 0 and last.module_passed is False


def test_score_only_review_hides_right_and_wrong():
    shown = present(result(1), Policy(review_during="score"), 1, {1: (1, 2)})
    assert shown.review == "score"
    assert all(q.correct is None and q.points is None for q in shown.questions)

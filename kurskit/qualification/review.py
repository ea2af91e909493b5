"""What a learner may see of an attempt: the module's review options, applied to a result.

The grading side stores each attempt's full result (with the author's explanations); every
answer of the API passes through `present`, so no explanation — which names the right
answer — reaches a learner before the review point: the module passed, or its last attempt
used. While attempts remain the learner sees the score and which questions were right or
wrong (`review_during: correctness`) or the score only (`score`).
"""

from __future__ import annotations

from collections.abc import Mapping

from kurskit.grading.results import SubmissionResult
from kurskit.qualification.policy import Policy, selected_attempt

LATER_DE = ("Die Erläuterung sehen Sie, sobald Sie das Modul bestanden oder alle Versuche "
            "genutzt haben.")


def module_passed(policy: Policy, scores: Mapping[int, tuple[float, float]]) -> bool:
    """The attempt the grading method counts reaches the pass mark."""
    chosen = selected_attempt({n: s for n, (s, _) in scores.items()}, policy.grading_method)
    if chosen is None:
        return False
    score, max_score = scores[chosen]
    return policy.passed(score, max_score)


def present(result: SubmissionResult, policy: Policy, attempts_used: int,
            scores: Mapping[int, tuple[float, float]]) -> SubmissionResult:
    """The result as the learner may see it now; `scores`: each graded attempt's
    (score, max_score)."""
    passed = module_passed(policy, scores)
    review = policy.review_point_reached(attempts_used, passed)
    shown = result.model_copy(deep=True)
    shown.passed = policy.passed(result.score, result.max_score)
    shown.module_passed = passed
    shown.attempts_allowed = policy.attempts_allowed
    shown.attempts_left = policy.attempts_left(attempts_used)
    shown.pass_percent = policy.pass_percent
    shown.review = "full" if review and policy.review_after == "explanations" else (
        "correctness" if review or policy.review_during == "correctness" else "score")
    for question in shown.questions:
        if question.pending:
            continue  # says that a trainer grades it: no key in it
        if shown.review != "full":
            question.feedback = LATER_DE
        if shown.review == "score":
            question.correct = None
            question.points = None
    return shown

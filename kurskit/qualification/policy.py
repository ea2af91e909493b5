"""A module's quiz policy, as Moodle's quiz settings: attempts allowed, grading method,
review options and pass mark; set per course (and per module) in `course.yml`.

The defaults make a score mean something: three attempts, the highest counts, while
attempts remain the learner sees the score and which questions were right or wrong, and
the author's explanations only once the module is passed or the last attempt is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

DEFAULT_ATTEMPTS = 3
METHODS = ("highest", "last", "first")
REVIEW_DURING = ("correctness", "score")  # what a learner sees while attempts remain
REVIEW_AFTER = ("explanations", "correctness")  # … after passing or the last attempt


@dataclass(frozen=True)
class Policy:
    attempts_allowed: int = DEFAULT_ATTEMPTS
    grading_method: str = "highest"
    pass_percent: int = 60
    review_during: str = "correctness"
    review_after: str = "explanations"

    def passed(self, score: float, max_score: float) -> bool:
        """„bestanden“: at least `pass_percent` of the module's points."""
        return max_score > 0 and score * 100 >= self.pass_percent * max_score - 1e-9

    def review_point_reached(self, attempts_used: int, passed: bool) -> bool:
        return passed or attempts_used >= self.attempts_allowed

    def attempts_left(self, attempts_used: int) -> int:
        return max(0, self.attempts_allowed - attempts_used)


_KEYS = {f.name for f in fields(Policy)}


def policy_of(manifest: Mapping[str, Any], filename: str | None = None) -> Policy:
    """The course's settings, then the module's own (`module_settings: {file: {...}}`)."""
    policy = _apply(Policy(), manifest)
    overrides = manifest.get("module_settings")
    if filename is not None and isinstance(overrides, Mapping):
        module = overrides.get(filename)
        if isinstance(module, Mapping):
            policy = _apply(policy, module)
    return policy


def _apply(policy: Policy, settings: Mapping[str, Any]) -> Policy:
    chosen = {k: v for k, v in settings.items() if k in _KEYS}
    if chosen.get("grading_method", policy.grading_method) not in METHODS:
        chosen.pop("grading_method")
    if chosen.get("review_during", policy.review_during) not in REVIEW_DURING:
        chosen.pop("review_during")
    if chosen.get("review_after", policy.review_after) not in REVIEW_AFTER:
        chosen.pop("review_after")
    for key in ("attempts_allowed", "pass_percent"):
        if key in chosen and (not isinstance(chosen[key], int) or chosen[key] < 1):
            chosen.pop(key)
    return replace(policy, **chosen)


def selected_attempt(scores: Mapping[int, float], method: str) -> int | None:
    """The attempt the grading method counts, from each graded attempt's score.

    highest: the best score, the earliest of equal ones (a later equal score changes
    nothing); last: the newest attempt; first: the first attempt.
    """
    if not scores:
        return None
    if method == "last":
        return max(scores)
    if method == "first":
        return min(scores)
    best = max(scores.values())
    return min(n for n, s in scores.items() if s >= best - 1e-9)

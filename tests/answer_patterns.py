"""Answer sets for a module: the solution, blank, and partly right ones (tests and benchmarks).

Every answer is one a learner could give through the widgets: valid for its question,
right, wrong, or (where the author allows partial credit) partly right.
"""

from __future__ import annotations

from typing import Any

from kurskit.authoring.catalog import Module
from kurskit.authoring.exercise_cells import Exercise
from kurskit.authoring.questions import KINDS, normalize_answer

PATTERNS = ("solution", "blank", "first-half", "partial-credit", "wrong", "alternating")


def right(exercise: Exercise) -> Any:
    return KINDS[exercise.spec.kind].answer_for_solution(exercise.solution)


def wrong(exercise: Exercise) -> Any:
    """A valid answer that earns nothing."""
    spec, solution = exercise.spec, exercise.solution
    kind = KINDS[spec.kind].answer_kind  # an interactive element answers like a plain kind
    if kind == "single_choice":
        return next(o for o in spec.choices["options"] if o != solution)
    if kind == "multiple_choice":
        others = [o for o in spec.choices["options"] if o not in solution]
        return others[:1] if others else []
    if kind == "true_false":
        return {s: not v for s, v in solution.items()}
    if kind == "matching":
        categories = spec.choices["categories"]
        return {case: next(c for c in categories if c != category)
                for case, category in solution.items()}
    if kind == "ordering":
        items = list(solution)
        return items[1:] + items[:1]
    if kind == "numeric":
        return solution + 1000 + 10 * exercise.check_options.get("tolerance", 0)
    if kind == "short_text":
        return "ganz sicher falsch"
    if kind == "free_text":
        return None
    raise AssertionError(f"no wrong answer for {kind}")


def partly(exercise: Exercise) -> Any:
    """A partly right answer where partial credit is on, else a wrong one."""
    spec, solution = exercise.spec, exercise.solution
    if exercise.check_options.get("points") is None:
        return wrong(exercise)
    kind = KINDS[spec.kind].answer_kind
    if kind == "multiple_choice":
        return list(solution)[: max(1, len(solution) - 1)] if len(solution) > 1 else []
    if kind in ("true_false", "matching"):
        keep = max(1, len(solution) - 1)  # all but one right: e.g. 3 of 4 → 1.5 of 2
        flipped = wrong(exercise)
        return {k: (v if i < keep else flipped[k]) for i, (k, v) in enumerate(solution.items())}
    return wrong(exercise)


def answers_for(module: Module, pattern: str, draw: int | dict[str, str] = 0) -> dict[str, Any]:
    """Validated answers of one pattern (as the service would store them): of each question
    pool only the drawn variant — `draw` is the service's draw (pool → question id), or
    the variant's number (modulo the pool's size)."""
    pools = module.notebook.pools

    def drawn(pool: str) -> str:
        if isinstance(draw, dict):
            return draw[pool]
        return pools[pool][draw % len(pools[pool])].qid

    exercises = [e for e in module.notebook.exercises if e.pool is None or e.qid == drawn(e.pool)]
    chosen: dict[str, Any] = {}
    for index, exercise in enumerate(exercises):
        if exercise.manual:
            text = "Sehr geehrte Frau Muster, anbei die Auskunft nach Art. 15 DSGVO."
            chosen[exercise.qid] = text if pattern in ("solution", "alternating") else None
            continue
        if pattern == "solution":
            value = right(exercise)
        elif pattern == "blank":
            value = None
        elif pattern == "first-half":
            value = right(exercise) if index < len(exercises) // 2 else None
        elif pattern == "partial-credit":
            value = partly(exercise)
        elif pattern == "wrong":
            value = wrong(exercise)
        elif pattern == "alternating":
            value = right(exercise) if index % 2 else partly(exercise)
        else:
            raise ValueError(pattern)
        chosen[exercise.qid] = value
    return {e.qid: normalize_answer(e.spec, chosen[e.qid]) for e in exercises}

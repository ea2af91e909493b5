"""Question pools: interchangeable variants of one question, one of which each attempt draws.

An author marks each variant's question call with `pool="<group>"`; the variants of a pool
stand next to each other (answer cell, test cell, answer cell, …) and are worth the same
points. nbgrader's gradebook keeps one grade cell per pool, `<group>_test`
(`kurskit.release.pool_cells` merges the variants' tests when a module is released), so a
module's total counts each pool once. Everything here is read from the source model; the
draw itself belongs to the grading service (`kurskit.qualification.draw`).
"""

from __future__ import annotations

from collections.abc import Sequence

from kurskit.authoring.cells import TEST_SUFFIX
from kurskit.authoring.exercise_cells import Exercise, Report

MIN_VARIANTS = 2


def pools_of(exercises: Sequence[Exercise]) -> dict[str, list[Exercise]]:
    """Each pool's variants in the order of the notebook (pool id → variants)."""
    found: dict[str, list[Exercise]] = {}
    for exercise in exercises:
        if exercise.pool:
            found.setdefault(exercise.pool, []).append(exercise)
    return found


def graded_units(exercises: Sequence[Exercise]) -> list[list[Exercise]]:
    """What the gradebook grades, in order: a lone exercise, or all variants of a pool."""
    units: list[list[Exercise]] = []
    seen: dict[str, list[Exercise]] = {}
    for exercise in exercises:
        if exercise.pool is None:
            units.append([exercise])
        elif exercise.pool in seen:
            seen[exercise.pool].append(exercise)
        else:
            seen[exercise.pool] = [exercise]
            units.append(seen[exercise.pool])
    return units


def max_points(exercises: Sequence[Exercise]) -> float:
    """The module's total: a pool counts once (its variants are worth the same)."""
    return sum(unit[0].points for unit in graded_units(exercises))


def pool_problems(exercises: Sequence[Exercise], grade_ids: dict[str, int],
                  problem: Report) -> None:
    """Pools that break a rule: too few variants, not adjacent, unequal points, a group id
    that clashes with a question id or a grade id."""
    qids = {e.qid for e in exercises}
    order = [e.pool for e in exercises]
    for pool, variants in pools_of(exercises).items():
        first = variants[0].answer_cell
        if len(variants) < MIN_VARIANTS:
            problem(f"pool {pool!r} has only one question: a pool needs at least "
                    f"{MIN_VARIANTS} interchangeable variants", first)
        positions = [i for i, p in enumerate(order) if p == pool]
        if positions != list(range(positions[0], positions[0] + len(positions))):
            problem(f"pool {pool!r} is used again after other questions: the variants of a "
                    "pool stand next to each other, and a group id names one pool only", first)
        points = {v.points for v in variants}
        if len(points) > 1:
            problem(f"the variants of pool {pool!r} must be worth the same points "
                    f"(found {', '.join(f'{p:g}' for p in sorted(points))})", first)
        if pool in qids:
            problem(f"pool id {pool!r} is also a question id: choose a distinct group id", first)
        if pool + TEST_SUFFIX in grade_ids:
            problem(f"pool {pool!r} needs the grade id {pool + TEST_SUFFIX!r}, which cell "
                    f"{grade_ids[pool + TEST_SUFFIX]} uses already", first)

"""The bar every course and module of the real catalogue meets (issue 17): enough graded
items, a pool for every retake, a trainer-graded task per course, all of DigComp 2.2."""

import pytest

from conftest import REPO
from kurskit.authoring.catalog import load_catalog
from kurskit.authoring.pools import graded_units
from kurskit.reporting.competences import coverage

CATALOG = load_catalog(REPO / "courses")
MIN_SHOWN = 6  # graded items one attempt shows
POOL_RATIO = 1.5  # questions in the module per question an attempt shows


@pytest.mark.parametrize("module", CATALOG.modules, ids=lambda m: m.id)
def test_every_module_shows_six_items_and_draws_from_half_again_as_many(module):
    auto = [e for e in module.notebook.exercises if not e.manual]
    shown = graded_units(auto)
    assert len(shown) >= MIN_SHOWN, f"{module.id}: {len(shown)} graded items"
    assert module.notebook.pools, f"{module.id} has no question pool"
    assert len(auto) >= POOL_RATIO * len(shown), (
        f"{module.id}: {len(auto)} questions for {len(shown)} shown per attempt")


@pytest.mark.parametrize("course", CATALOG.courses, ids=lambda c: c.id)
def test_every_course_has_a_task_a_trainer_grades(course):
    assert any(e.manual for m in course.modules for e in m.notebook.exercises), course.id


def test_the_catalogue_covers_all_of_digcomp_and_has_five_courses():
    gaps = [c.competence for c in coverage(CATALOG) if not c.covered]
    assert gaps == []
    assert len(CATALOG.courses) >= 5 and len(CATALOG.modules) >= 20

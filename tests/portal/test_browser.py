"""End to end in real Chromium: open the module in Voilà (the widget view, `kurskit start
--module-view voila`), answer, "Abgeben", see the score that nbgrader's gradebook holds.
The default HTML module page has its own tests in test_portal_pages.py."""

import time
from urllib.parse import quote

import pytest

import learner_actions
from conftest import axe_violations
from kurskit.authoring.pools import graded_units
from kurskit.layout import portal_path
from portal_server import serve_portal

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader]
LEARNER = "e2e-lernende"
MODULE = "datenschutz-01-grundlagen"


@pytest.fixture(scope="module")
def portal(released_real):
    """Voilà and the grading service, as `kurskit start` runs them, on free ports."""
    with serve_portal(released_real, LEARNER) as running:
        yield running.url


@pytest.fixture
def fresh_learner(released_real):
    """Forget this learner's drafts and used checks (other tests answer the same modules)."""
    import shutil

    for kind in ("drafts", "checks"):
        shutil.rmtree(released_real.grading / kind / LEARNER, ignore_errors=True)


def gradebook_score(project):
    from nbgrader.api import Gradebook

    from kurskit.nbgrader_course import db_url

    with Gradebook(db_url(project.grading)) as gradebook:
        return gradebook.find_submission(MODULE, LEARNER).score


def answer(question, exercise, right: bool):
    learner_actions.answer(question, exercise, right, statement_role="radiogroup")


def test_learner_answers_submits_and_sees_the_gradebook_score(chromium, portal, released_real,
                                                              real_catalog, fresh_learner):
    module = real_catalog.module(MODULE)
    course = next(c for c in real_catalog.courses if c.id == module.course_id)
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(portal + "/")
    page.get_by_role("link", name=course.title).click()
    assert page.get_by_role("link", name=module.title).count() == 1
    started = time.perf_counter()
    page.goto(f"{portal}/voila/render/{quote(portal_path(course, module))}")  # widget view
    submit = page.get_by_role("button", name="Abgeben")
    submit.wait_for(timeout=60_000)
    print(f"time to interactive: {time.perf_counter() - started:.2f} s")
    assert quote(portal_path(course, module)) in page.url

    html = page.content()
    assert "There was an error" not in html and "Traceback" not in html
    assert "def " not in page.inner_text("body")  # no code visible
    for exercise in module.notebook.exercises:
        assert exercise.explanation not in html  # the key stays on the grading side

    questions = page.locator(".kurskit-question:visible")  # of a pool: the drawn variant
    seen = learner_actions.drawn_exercises(
        module, learner_actions.current_draw(released_real, module, LEARNER))
    assert questions.count() == len(seen)
    first = seen[0]
    for index, exercise in enumerate(seen):
        answer(questions.nth(index), exercise, right=index != 0)
    total = len(seen)
    page.get_by_text(f"{total} von {total} Fragen beantwortet").wait_for()

    started = time.perf_counter()
    submit.click()
    result = page.locator(".kurskit-result")
    result.wait_for(timeout=60_000)
    print(f"submit to score: {time.perf_counter() - started:.2f} s")

    expected = module.notebook.max_points - first.points
    shown = result.inner_text()
    assert f"Ihr Ergebnis: {expected:g} von {module.notebook.max_points:g} Punkten" in shown
    assert gradebook_score(released_real) == expected
    assert "Nicht richtig" in questions.nth(0).inner_text()
    assert first.explanation in questions.nth(0).inner_text()
    assert "Richtig" in questions.nth(1).inner_text()


def real_modules():
    from conftest import REPO
    from kurskit.authoring.catalog import load_catalog

    return [m.id for m in load_catalog(REPO / "courses").modules]


@pytest.mark.parametrize("module_id", real_modules())
def test_every_module_renders_in_voila_without_errors(chromium, portal, real_catalog, module_id):
    module = real_catalog.module(module_id)
    course = next(c for c in real_catalog.courses if c.id == module.course_id)
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{portal}/voila/render/{quote(portal_path(course, module))}")
    page.get_by_role("button", name="Abgeben").wait_for(timeout=60_000)
    html = page.content()
    assert "There was an error" not in html and "Traceback" not in html
    # one question per graded unit: only the drawn variant of a pool gets widgets
    assert page.locator(".kurskit-question").count() == len(graded_units(
        module.notebook.exercises))
    assert module.title in page.inner_text("body")
    for image in page.locator("img").all():  # pictures load and carry German alt text
        assert len(image.get_attribute("alt") or "") >= 10
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    page.close()


def wait_until_rendered(page, questions: int) -> None:
    """Voilà renders widgets one by one: wait for all questions and their label elements."""
    page.get_by_role("button", name="Abgeben").wait_for(timeout=60_000)
    try:
        page.wait_for_function(
            """(n) => document.querySelectorAll('.kurskit-question').length === n &&
               [...document.querySelectorAll('select, textarea, input[type=text]')].every(e => {
                 const id = e.getAttribute('aria-labelledby');
                 return id && document.getElementById(id); })""", arg=questions, timeout=30_000)
    except Exception:
        shown = page.evaluate("document.querySelectorAll('.kurskit-question').length")
        unlabelled = page.evaluate("""() => [...document.querySelectorAll(
            'select, textarea, input[type=text]')].filter(e => !e.getAttribute(
            'aria-labelledby')).map(e => e.outerHTML.slice(0, 150))""")
        raise AssertionError(f"{shown} of {questions} questions shown; unlabelled: "
                             f"{unlabelled}") from None


def module_url(portal, catalog, module_id):
    module = catalog.module(module_id)
    course = next(c for c in catalog.courses if c.id == module.course_id)
    return f"{portal}/voila/render/{quote(portal_path(course, module))}", module


def test_pages_have_no_wcag21_aa_violations(chromium, portal, real_catalog, released_real):
    """axe-core over the portal overview, a course, and a module before and after "Abgeben"."""
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(portal + "/")
    assert page.evaluate("document.documentElement.lang") == "de"
    assert axe_violations(page) == []
    page.get_by_role("link", name=real_catalog.courses[0].title).click()
    page.get_by_text("Zurück zur Kursübersicht").wait_for()
    page.wait_for_load_state("load")
    assert axe_violations(page) == []
    url, module = module_url(portal, real_catalog, "datenschutz-02-betroffenenrechte")
    page.goto(url)
    wait_until_rendered(page, len(graded_units(module.notebook.exercises)))
    assert page.evaluate("document.documentElement.lang") == "de"
    assert {e.spec.kind for e in module.notebook.exercises} >= {
        "single_choice", "multiple_choice", "matching", "ordering", "numeric", "free_text"}
    assert axe_violations(page) == []
    questions = page.locator(".kurskit-question:visible")  # of a pool: the drawn variant
    seen = learner_actions.drawn_exercises(
        module, learner_actions.current_draw(released_real, module, LEARNER))
    for index, exercise in enumerate(seen[:3]):
        answer(questions.nth(index), exercise, right=index != 0)
    page.get_by_role("button", name="Abgeben").click()
    page.locator(".kurskit-result").wait_for(timeout=60_000)
    assert axe_violations(page) == []  # feedback and result too
    assert page.locator("[aria-live=polite]").count() >= len(
        graded_units(module.notebook.exercises))


def test_every_control_has_an_accessible_name(chromium, portal, real_catalog):
    url, module = module_url(portal, real_catalog, "datenschutz-02-betroffenenrechte")
    page = chromium.new_page()
    page.goto(url)
    wait_until_rendered(page, len(graded_units(module.notebook.exercises)))
    for role in ("radiogroup", "combobox", "textbox", "checkbox", "radio", "button"):
        for control in page.get_by_role(role).all():
            name = control.evaluate("e => e.ariaLabelledByElements?.map(l => l.textContent)"
                                    ".join(' ') || e.labels?.[0]?.textContent || e.textContent")
            html = control.evaluate("e => e.outerHTML")[:200]
            assert name and name.strip(), f"{role} without a name: {html}"


def test_a_module_can_be_done_with_the_keyboard_alone(chromium, portal, real_catalog,
                                                     fresh_learner):
    url, module = module_url(portal, real_catalog, "datenschutz-01-grundlagen")
    page = chromium.new_page()
    page.goto(url)
    page.get_by_role("button", name="Abgeben").wait_for(timeout=60_000)

    def focused() -> str:
        return page.evaluate("(document.activeElement.type || '') + ':' + "
                             "(document.activeElement.textContent || '')")

    for _ in range(300):  # Tab to the first radio button, choose with the arrow key
        page.keyboard.press("Tab")
        if focused().startswith("radio:"):
            break
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.checked") is True
    # the counter updates after a round trip to the kernel: wait, on a busy machine too
    page.get_by_text(f"1 von {len(graded_units(module.notebook.exercises))} Fragen "
                     "beantwortet").wait_for(timeout=60_000)
    for _ in range(400):  # on to "Abgeben", press Enter
        page.keyboard.press("Tab")
        if "Abgeben" in focused():
            break
    page.keyboard.press("Enter")
    page.locator(".kurskit-result").wait_for(timeout=60_000)
    assert "Ihr Ergebnis" in page.locator(".kurskit-result").inner_text()


def test_answers_survive_a_reload_and_pruefen_checks_one_question(chromium, portal,
                                                                  real_catalog, released_real,
                                                                  fresh_learner):
    """A reload starts a new page and a new kernel: the draft comes back from the service."""
    url, module = module_url(portal, real_catalog, "it-sicherheit-03-passwoerter-2fa-passkeys")
    exercises = learner_actions.drawn_exercises(
        module, learner_actions.current_draw(released_real, module, LEARNER))
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    wait_until_rendered(page, len(graded_units(module.notebook.exercises)))
    questions = page.locator(".kurskit-question:visible")
    for index, exercise in enumerate(exercises[:3]):
        answer(questions.nth(index), exercise, right=True)
    page.get_by_text("Zwischengespeichert um").wait_for(timeout=15_000)

    learner_actions.pruefen_reveals_no_explanation(page, questions, exercises)

    page.reload()
    wait_until_rendered(page, len(graded_units(module.notebook.exercises)))
    page.get_by_text(f"3 von {len(exercises)} Fragen beantwortet").wait_for(timeout=15_000)
    questions = page.locator(".kurskit-question:visible")
    if exercises[0].spec.kind == "single_choice":
        assert questions.nth(0).get_by_role("radio", name=exercises[0].solution).is_checked()
    assert questions.nth(0).get_by_role("button", name="Prüfen (noch 1)").count() == 1

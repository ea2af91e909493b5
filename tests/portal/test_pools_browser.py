"""A learner in Chromium meets a question pool on the module page (real portal, service and
nbgrader): one variant is shown, answered and graded; the next attempt draws anew."""

import httpx
import pytest

from conftest import FIXTURES, make_project
from kurskit.authoring.catalog import load_catalog
from kurskit.grading import results
from kurskit.qualification.draw import draw_for, installation_key
from kurskit.release.build import release_all
from kurskit.start import PortalLimits
from learner_actions import answer, drawn_exercises
from portal_server import serve_portal

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader]
MODULE = "beispiel-02-weitere"
PROMPTS = {"auskunftsfrist": "Auskunftsersuchen nach Art. 15 DSGVO",
           "dsb_pflicht": "Datenschutzbeauftragte oder einen",
           "aufsicht": "Einhaltung des Datenschutzes"}


def _learner_with_two_different_draws(module, key) -> str:
    """A learner whose first two attempts draw different variants (the key is random)."""
    return next(name for name in (f"pool-lernende-{n}" for n in range(100))
                if draw_for(module, name, 1, key).drawn != draw_for(module, name, 2, key).drawn)


@pytest.fixture(scope="module")
def pool_portal(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("pool") / "projekt", FIXTURES / "courses")
    release_all(project)
    module = load_catalog(project.courses).module(MODULE)
    learner = _learner_with_two_different_draws(module, installation_key(project.grading))
    with serve_portal(project, learner) as running:
        yield running, module, learner


def _shown(page) -> list[str]:
    text = page.locator("main").inner_text()
    return [qid for qid, prompt in PROMPTS.items() if prompt in text]


def test_the_page_shows_the_drawn_variant_and_the_next_attempt_draws_anew(chromium,
                                                                          pool_portal):
    portal, module, learner = pool_portal
    draw = httpx.get(f"{portal.service_url}/api/v1/modules/{MODULE}/draw").json()
    assert draw["attempt"] == 1
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(portal.page_url(MODULE))
    page.wait_for_selector("html[data-kk-bereit]")
    assert _shown(page) == [draw["drawn"]["pflichten"]]  # one variant, the service's draw
    page.reload()
    page.wait_for_selector("html[data-kk-bereit]")
    assert _shown(page) == [draw["drawn"]["pflichten"]]  # a reload shows the same

    questions = page.locator(".kk-frage")
    seen = drawn_exercises(module, draw["drawn"])
    assert questions.count() == len(seen) == 6
    pooled = next(i for i, e in enumerate(seen) if e.pool == "pflichten")
    answer(questions.nth(pooled), seen[pooled], right=True)
    page.get_by_role("button", name="Abgeben").click()
    page.locator(".kurskit-result").wait_for(timeout=60_000)
    assert "1 von 1 Punkt" in questions.nth(pooled).inner_text()
    stored = results.read_stored(portal.project.grading / "attempts" / learner / MODULE / "0001")
    assert stored is not None and (stored.score, stored.max_score) == (1.0, 8.0)
    assert stored.drawn == draw["drawn"]

    second = httpx.get(f"{portal.service_url}/api/v1/modules/{MODULE}/draw").json()
    assert second["attempt"] == 2 and second["drawn"] != draw["drawn"]
    page.reload()
    page.wait_for_selector("html[data-kk-bereit]")
    assert _shown(page) == [second["drawn"]["pflichten"]]
    page.close()


def test_the_voila_view_shows_the_drawn_variant_only_and_grades_it(chromium, pool_portal):
    """The widget view asks the service for the draw through the same client."""
    portal, module, learner = pool_portal
    draw = httpx.get(f"{portal.service_url}/api/v1/modules/{MODULE}/draw").json()
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(portal.module_url(MODULE))
    page.get_by_role("button", name="Abgeben").wait_for(timeout=60_000)
    questions = page.locator(".kurskit-question:visible")
    drawn = draw["drawn"]["pflichten"]
    page.get_by_text(PROMPTS[drawn]).wait_for(timeout=30_000)
    assert questions.count() == 6
    # the variants not drawn have no widgets at all: not even hidden in the page
    assert page.locator(".kurskit-question").count() == 6
    assert [qid for qid, prompt in PROMPTS.items() if page.get_by_text(prompt).count()] == [drawn]
    seen = drawn_exercises(module, draw["drawn"])
    pooled = next(i for i, e in enumerate(seen) if e.pool == "pflichten")
    answer(questions.nth(pooled), seen[pooled], right=True, statement_role="radiogroup")
    page.get_by_text("1 von 6 Fragen beantwortet").wait_for(timeout=30_000)
    page.get_by_role("button", name="Abgeben").click()
    page.locator(".kurskit-result").wait_for(timeout=60_000)
    number = draw["attempt"]
    stored = results.read_stored(
        portal.project.grading / "attempts" / learner / MODULE / f"{number:04d}")
    assert stored is not None and stored.score == 1.0 and stored.drawn == draw["drawn"]
    page.close()


@pytest.fixture(scope="module")
def preheated_pool_portal(tmp_path_factory):
    """A preheated Voilà page, made with the learner's first draw; the learner then submits
    attempt 1 elsewhere, so the page is opened for attempt 2, which draws another variant."""
    project = make_project(tmp_path_factory.mktemp("vorgeheizt") / "projekt",
                           FIXTURES / "courses")
    release_all(project)
    module = load_catalog(project.courses).module(MODULE)
    key = installation_key(project.grading)
    learner = next(name for name in (f"vorgeheizt-{n}" for n in range(100))
                   if draw_for(module, name, 1, key).drawn["pflichten"]
                   != draw_for(module, name, 2, key).drawn["pflichten"])
    first = draw_for(module, learner, 1, key).drawn["pflichten"]
    with serve_portal(project, learner, PortalLimits(pool_size=1)) as running:
        running.wait_for_pools(2)  # both fixture modules
        running.wait_until_quiet()  # their pages are made, with the first draw
        submitted = httpx.post(f"{running.service_url}/api/v1/modules/{MODULE}/submissions",
                               json={"answers": {}}, timeout=120)
        assert submitted.status_code == 201, submitted.text
        yield running, module, learner, first


def test_a_preheated_voila_page_shows_the_draw_of_the_attempt_its_learner_opens_it_for(
        chromium, preheated_pool_portal):
    portal, module, learner, first = preheated_pool_portal
    draw = httpx.get(f"{portal.service_url}/api/v1/modules/{MODULE}/draw").json()
    drawn = draw["drawn"]["pflichten"]
    assert draw["attempt"] == 2 and drawn != first
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(portal.module_url(MODULE))
    page.get_by_text(PROMPTS[drawn]).wait_for(timeout=60_000)
    questions = page.locator(".kurskit-question")
    assert questions.count() == 6  # the replaced variant's widgets are gone, not hidden
    assert page.get_by_text(PROMPTS[first]).count() == 0
    seen = drawn_exercises(module, draw["drawn"])
    pooled = next(i for i, e in enumerate(seen) if e.pool == "pflichten")
    assert PROMPTS[drawn] in questions.nth(pooled).inner_text()
    answer(questions.nth(pooled), seen[pooled], right=True, statement_role="radiogroup")
    page.get_by_text("1 von 6 Fragen beantwortet").wait_for(timeout=30_000)
    page.get_by_role("button", name="Abgeben").click()
    page.locator(".kurskit-result").wait_for(timeout=60_000)
    stored = results.read_stored(portal.project.grading / "attempts" / learner / MODULE / "0002")
    assert stored is not None and stored.score == 1.0 and stored.drawn == draw["drawn"]
    page.close()

"""The portal's HTML module pages end to end: real portal, real grading service, real
nbgrader gradebook, real Chromium."""

import hashlib
import json
import shutil
import urllib.error
import urllib.request

import pytest

from conftest import axe_violations, make_project
from kurskit.nbgrader_course import db_url
from kurskit.release.build import release_all
from kurskit.start import PortalLimits
from learner_actions import (
    answer,
    answer_by_keyboard,
    current_draw,
    drawn_exercises,
    pruefen_reveals_no_explanation,
)
from portal_server import serve_portal

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader]
LEARNER = "seite-lernende"


@pytest.fixture(scope="module")
def portal(released_real):
    # the page view of every module, forced as `kurskit start --module-view page` does (by
    # default, modules with interactive elements open in Voilà)
    with serve_portal(released_real, LEARNER, PortalLimits(module_view="page")) as running:
        yield running


@pytest.fixture(scope="module")
def example_portal(tmp_path_factory):
    """The fixture course (every question type) released by nbgrader, served as pages."""
    from conftest import FIXTURES

    project = make_project(tmp_path_factory.mktemp("seiten") / "projekt", FIXTURES / "courses")
    release_all(project)
    with serve_portal(project, LEARNER) as running:
        yield running


@pytest.fixture
def fresh_learner(released_real):
    for kind in ("drafts", "checks"):
        shutil.rmtree(released_real.grading / kind / LEARNER, ignore_errors=True)


def gradebook_score(project, module_id, learner=LEARNER):
    from nbgrader.api import Gradebook

    with Gradebook(db_url(project.grading)) as gradebook:
        return gradebook.find_submission(module_id, learner).score


def open_page(chromium, url):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    page.wait_for_selector("html[data-kk-bereit]")
    return page


def test_from_the_overview_to_the_gradebook_score(chromium, portal, released_real,
                                                  real_catalog, fresh_learner):
    module = real_catalog.module("datenschutz-01-grundlagen")
    course = next(c for c in real_catalog.courses if c.id == module.course_id)
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(portal.url + "/")
    page.get_by_role("link", name=course.title).click()
    page.get_by_role("link", name=module.title).click()
    page.wait_for_selector("html[data-kk-bereit]")
    assert "/lernen/" in page.url

    html = page.content()
    for exercise in module.notebook.exercises:
        assert exercise.explanation not in html  # the key stays on the grading side
    questions = page.locator(".kk-frage")
    exercises = drawn_exercises(module, current_draw(released_real, module, LEARNER))
    assert questions.count() == len(exercises)
    for index, exercise in enumerate(exercises):
        answer(questions.nth(index), exercise, right=index != 0)
    page.get_by_text(f"{len(exercises)} von {len(exercises)} Fragen beantwortet").wait_for()

    page.get_by_role("button", name="Abgeben").click()
    result = page.locator(".kurskit-result")
    result.wait_for(timeout=60_000)
    expected = module.notebook.max_points - exercises[0].points
    assert (f"Ihr Ergebnis: {expected:g} von {module.notebook.max_points:g} Punkten"
            in result.inner_text())
    assert gradebook_score(released_real, module.id) == expected
    assert "Nicht richtig" in questions.nth(0).inner_text()
    assert exercises[0].explanation in questions.nth(0).inner_text()
    assert "Richtig" in questions.nth(1).inner_text()
    assert page.get_by_role("button", name="Erneut abgeben").is_enabled()


def test_every_question_type_with_the_keyboard_alone(chromium, example_portal):
    """Tab from the top; answer every question of every type rightly with keys alone;
    Enter on „Abgeben“: full points for everything but the trainer's free text."""
    from kurskit.authoring.catalog import load_catalog

    catalog = load_catalog(example_portal.project.courses)
    kinds = {e.spec.kind for m in catalog.modules for e in m.notebook.exercises}
    assert kinds >= {"single_choice", "multiple_choice", "matching", "true_false", "ordering",
                     "numeric", "short_text", "free_text"}
    for module in catalog.modules:
        page = open_page(chromium, example_portal.page_url(module.id))
        # of each question pool the drawn variant: the others are not on the page
        exercises = drawn_exercises(module, current_draw(example_portal.project, module,
                                                         LEARNER))
        answer_by_keyboard(page, exercises)
        total = len(exercises)
        page.get_by_text(f"{total} von {total} Fragen beantwortet").wait_for(timeout=15_000)
        page.keyboard.press("Enter")
        page.locator(".kurskit-result").wait_for(timeout=60_000)
        shown = page.locator(".kurskit-result").inner_text()
        expected = module.notebook.max_points - sum(e.points for e in exercises if e.manual)
        assert gradebook_score(example_portal.project, module.id) == expected
        assert f"Ihr Ergebnis: {expected:g} von" in shown
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"  # focus stays visible
        page.close()


def test_drafts_survive_reload_and_closing_and_pruefen_checks_one(chromium, portal,
                                                                  real_catalog, fresh_learner):
    module = real_catalog.module("it-sicherheit-03-passwoerter-2fa-passkeys")
    exercises = drawn_exercises(module, current_draw(portal.project, module, LEARNER))
    url = portal.page_url(module.id)
    context = chromium.new_context()
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("html[data-kk-bereit]")
    questions = page.locator(".kk-frage")
    for index, exercise in enumerate(exercises[:2]):
        answer(questions.nth(index), exercise, right=True)
    page.get_by_text("Zwischengespeichert um").wait_for(timeout=15_000)

    pruefen_reveals_no_explanation(page, questions, exercises)

    answer(questions.nth(2), exercises[2], right=True)  # then the browser is closed at once
    context.close()

    page = open_page(chromium, url)
    page.get_by_text(f"3 von {len(exercises)} Fragen beantwortet").wait_for(timeout=15_000)
    questions = page.locator(".kk-frage")
    if exercises[0].spec.kind == "single_choice":
        assert questions.nth(0).get_by_role("radio", name=exercises[0].solution,
                                            exact=True).is_checked()
    assert questions.nth(0).get_by_role("button", name="Prüfen (noch 1)").count() == 1


def test_module_page_has_no_wcag21_aa_violations(chromium, portal, real_catalog,
                                                 fresh_learner):
    module = real_catalog.module("datenschutz-02-betroffenenrechte")
    page = open_page(chromium, portal.page_url(module.id))
    assert page.evaluate("document.documentElement.lang") == "de"
    assert {e.spec.kind for e in module.notebook.exercises} >= {
        "single_choice", "multiple_choice", "matching", "ordering", "numeric", "free_text"}
    picture = page.locator(".kk-text img").first  # the lesson's picture, with its alt text
    assert len(picture.get_attribute("alt")) >= 10
    assert picture.evaluate("i => i.complete && i.naturalWidth > 0")
    assert axe_violations(page) == []
    questions = page.locator(".kk-frage")
    seen = drawn_exercises(module, current_draw(portal.project, module, LEARNER))
    for index, exercise in enumerate(seen[:3]):
        answer(questions.nth(index), exercise, right=index != 0)
    questions.nth(1).get_by_role("button", name="Prüfen (noch 2)").click()
    questions.nth(1).get_by_text("Richtig").wait_for(timeout=15_000)
    page.get_by_role("button", name="Abgeben").click()
    page.locator(".kurskit-result").wait_for(timeout=60_000)
    assert axe_violations(page) == []  # feedback, marks and result too
    assert page.locator(".kk-rueckmeldung[role=status]").count() == len(seen)


def test_example_pages_have_no_wcag21_aa_violations(chromium, example_portal):
    """The fixture course has the types the catalogue page lacks (true/false, short text)."""
    from kurskit.authoring.catalog import load_catalog

    for module in load_catalog(example_portal.project.courses).modules:
        page = open_page(chromium, example_portal.page_url(module.id))
        assert axe_violations(page) == []
        page.close()


def state_of(project):
    """Fingerprint of the gradebook and every stored attempt and draft."""
    digest = hashlib.sha256()
    for path in sorted(project.grading.rglob("*")):
        if path.is_file() and path.parts[-2:] != ("grading", "nbgrader_config.py") and (
                path.name == "gradebook.db" or {"attempts", "submitted", "drafts"} & set(
                    path.relative_to(project.grading).parts[:1])):
            digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


class PageVisit:
    """A client that opened a module page: its cookie jar holds the page's `_xsrf` cookie,
    and `token` the XSRF token the page carries (as the page's own script sends it)."""

    def __init__(self, page_url: str, headers: dict[str, str] | None = None) -> None:
        import http.cookiejar
        import re

        self.headers = headers or {}
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.page = self.open(urllib.request.Request(page_url, headers=self.headers))[1]
        found = re.search(r'name="_xsrf" value="([^"]+)"', self.page)
        assert found, "the module page carries no XSRF token"
        self.token = found.group(1)

    def open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def post(self, url, body: bytes, content_type="application/json", origin=None,
             token: bool = True, host=None):
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={"Content-Type": content_type, **self.headers})
        if token and content_type == "application/json":
            request.add_header("X-XSRFToken", self.token)
        elif token:
            request.data = body + b"&_xsrf=" + self.token.encode()
        if origin:
            request.add_header("Origin", origin)
        if host:
            request.add_header("Host", host)
        return self.open(request)


def post(url, body: bytes, content_type="application/json", origin=None):
    """Post as the module page does: opened first, the page's XSRF token sent back."""
    return PageVisit(url.rsplit(".ipynb", 1)[0] + ".ipynb").post(url, body, content_type, origin)


@pytest.mark.parametrize("suffix, body, content_type, origin, status", [
    ("/abgeben", b'{"felder": [["unbekannt", "1"]]}', "application/json", None, 422),
    ("/abgeben", b'{"felder": [["auskunft_kosten", "__import__(\'os\')"]]}', "application/json",
     None, 422),
    ("/abgeben", b'{"felder": [["auskunft_kosten", 1]]}', "application/json", None, 422),
    ("/abgeben", b'{"felder": "alles"}', "application/json", None, 422),
    ("/abgeben", b"kein json", "application/json", None, 422),
    ("/abgeben", b'{"felder": [["auskunft_kosten", "' + b"0" * 300_000 + b'"]]}',
     "application/json", None, 413),
    ("/entwurf", b'{"felder": []}', "application/json", "http://fremd.example", 403),
    ("/pruefen/gibt_es_nicht", b'{"felder": []}', "application/json", None, 404),
])
def test_hostile_calls_are_refused_in_german_and_change_nothing(portal, released_real,
                                                                suffix, body, content_type,
                                                                origin, status):
    url = portal.page_url("datenschutz-02-betroffenenrechte") + suffix
    before = state_of(released_real)
    code, text = post(url, body, content_type, origin)
    assert code == status
    assert json.loads(text)["meldung"]  # a German sentence for the page to show
    assert state_of(released_real) == before


@pytest.mark.parametrize("path", ["/lernen/gibt-es-nicht.ipynb", "/lernen/../../etc/x.ipynb",
                                  "/lernen/%2e%2e/%2e%2e/etc/x.ipynb"])
def test_unknown_modules_get_a_german_404(portal, path):
    try:
        urllib.request.urlopen(portal.url + path, timeout=30)
    except urllib.error.HTTPError as error:
        assert error.code == 404
        assert "Diese Lerneinheit gibt es im Lernportal nicht" in error.read().decode("utf-8")
    else:
        pytest.fail("no 404")


def test_a_browser_without_javascript_can_still_submit(portal, released_real, fresh_learner):
    url = portal.page_url("datenschutz-01-grundlagen")
    from kurskit.authoring.catalog import load_catalog

    module = load_catalog(released_real.courses).module("datenschutz-01-grundlagen")
    first = drawn_exercises(module, current_draw(released_real, module, LEARNER))[0]
    assert first.spec.kind == "single_choice"
    index = first.spec.choices["options"].index(first.solution)
    form = f"{first.qid}={index}".encode()
    code, text = post(url + "/abgeben", form, "application/x-www-form-urlencoded")
    assert code == 200 and 'lang="de"' in text
    assert f"Ihr Ergebnis: {first.points:g} von" in text
    assert "bestanden" in text and "Versuch" in text  # passed or not, attempts left
    # the gradebook counts the module's grading method's attempt (default: the highest)
    from kurskit.grading.results import summaries

    scores = [s.score for s in summaries(released_real.grading, LEARNER, module.id)]
    assert first.points in scores
    assert gradebook_score(released_real, module.id) == max(scores)


def test_many_learners_behind_a_trusted_proxy_keep_their_own_drafts(tmp_path_factory,
                                                                   real_catalog):
    """Header identity: the portal passes the proxy's learner header on to the service."""
    from conftest import FIXTURES

    project = make_project(tmp_path_factory.mktemp("kopf") / "projekt", FIXTURES / "courses")
    release_all(project)
    header_mode = {"KURSKIT_IDENTITY": "header"}
    with serve_portal(project, LEARNER, service_env=header_mode,
                      portal_env=header_mode) as running:
        url = running.page_url("beispiel-01-kurz")

        def page_as(learner, method="GET", body=None):
            visit = PageVisit(url, {"X-Kurskit-Learner": learner})
            if body:
                status, text = visit.post(url + "/entwurf", body)
                assert status == 200, text
                return text
            return visit.page

        page_as("anna", "POST", b'{"felder": [["frist", "0"]]}')
        assert 'value="0" checked' in page_as("anna")
        assert " checked" not in page_as("bernd")
        assert (project.grading / "drafts" / "anna").is_dir()
        assert not (project.grading / "drafts" / LEARNER).exists()

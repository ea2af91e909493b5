"""Interactive elements in real Voilà and Chromium: the build opens the module in Voilà,
the overview marks it „interaktiv“, every element works with the keyboard alone, axe-core
finds nothing, the learner's kernel stays small, and the outcome is graded by the service
(nbgrader's gradebook) like every other answer — with no key on the page before.

The fixture module `tests/fixtures/courses-interactive/interaktiv/01-elemente.ipynb`
holds one element of each kind.
"""

import http.client
import re
from urllib.parse import quote, urlsplit

import pytest

from conftest import FIXTURES, axe_violations, make_project
from kurskit import layout
from kurskit.authoring.catalog import load_catalog
from kurskit.portal import voila_bundle
from kurskit.portal.lesson_page import read_page, render
from kurskit.portal.start_page import MY_COURSES
from kurskit.release.build import release_all
from portal_server import kernel_rss_mb, serve_portal

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader]
LEARNER = "e2e-interaktiv"
MODULE = "interaktiv-01-elemente"
EXPLANATIONS = ["Erklaerung-Verdacht-q9z", "Erklaerung-Laenge-q9z", "Erklaerung-Stufe-q9z",
                "Erklaerung-Balken-q9z"]
KERNEL_BUDGET_MB = 60


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    released = make_project(tmp_path_factory.mktemp("interaktiv") / "projekt",
                            FIXTURES / "courses-interactive")
    release_all(released)
    return released


@pytest.fixture(scope="module")
def portal(project):
    """As `kurskit start` runs it by default: each module in the view the build chose."""
    with serve_portal(project, LEARNER) as running:
        yield running


def portal_path(project):
    catalog = load_catalog(project.courses)
    course = catalog.courses[0]
    return layout.portal_path(course, course.modules[0])


def get(url: str) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request("GET", parts.path)
    return connection.getresponse()


def test_the_build_opens_the_module_in_voila_and_the_overview_says_interaktiv(portal, project):
    path = portal_path(project)
    response = get(f"{portal.url}/lernen/{quote(path)}")
    assert response.status == 302
    assert response.getheader("Location").endswith(f"/voila/render/{quote(path)}")
    course = path.split("/")[0]
    overview = get(f"{portal.url}/voila/tree/{quote(course)}").read().decode()
    assert "interaktiv" in overview


def test_the_page_view_shows_the_plain_controls_and_says_what_is_missing(project):
    page = read_page(project.portal / portal_path(project))
    kinds = {spec.qid: spec.kind for spec in page.questions.values()}
    assert kinds == {"verdacht": "multiple_choice", "laenge": "numeric",
                     "stufe": "single_choice", "balken": "single_choice"}
    html = render(page, api="/api", overview="/", draft=None)
    assert html.count("interaktives Element") == 4
    assert 'value="3"' in html  # the fourth option of „verdacht“ is a check box
    assert not any(explanation in html for explanation in EXPLANATIONS)


def focus_and_press(locator, key: str) -> None:
    locator.focus()
    locator.press(key)


def test_every_element_works_by_keyboard_passes_axe_and_is_graded(chromium, portal, project):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{portal.url}/voila/render/{quote(portal_path(project))}")
    page.get_by_role("button", name="Abgeben").wait_for(timeout=90_000)
    page.wait_for_function("document.querySelectorAll('.kurskit-question').length === 4",
                           timeout=60_000)
    page.get_by_role("img", name="Wartezeit: Ausweise, vormittags").wait_for(timeout=30_000)
    assert axe_violations(page) == []
    assert not any(explanation in page.content() for explanation in EXPLANATIONS)
    questions = page.locator(".kurskit-question")

    # phishing inspector: the sender's address and a link's real target, then the marks
    phishing = questions.nth(0)
    link = phishing.get_by_role("button", name="Link: Jetzt zahlen")
    assert link.get_attribute("title") == "Ziel: https://stadtkasse-zahlung.example.com/pay"
    focus_and_press(phishing.get_by_role("button", name="Absenderadresse zeigen").first,
                    "Enter")
    phishing.get_by_text("kasse@stadtkasse-zahlung.example.com").wait_for(timeout=30_000)
    for mark in ("Mail 1: Absenderadresse", "Mail 1: Anhang"):
        focus_and_press(phishing.get_by_role("checkbox", name=mark), "Space")

    # password lab: the length typed, the risk computed in the kernel, the length taken over
    lab = questions.nth(1)
    length = lab.get_by_role("spinbutton", name="Länge des Passworts (Zeichen)")
    length.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("12")
    page.keyboard.press("Enter")
    lab.get_by_text("12 Stellen").wait_for(timeout=30_000)
    focus_and_press(lab.get_by_role("checkbox", name="Dieses Passwort nutze ich auch für "
                                                     "andere Konten"), "Space")
    lab.get_by_text("Achtung, Wiederverwendung").wait_for(timeout=30_000)
    focus_and_press(lab.get_by_role("button", name="Diese Länge als Antwort übernehmen"),
                    "Enter")
    lab.get_by_text("Ihre Antwort: 12 Zeichen").wait_for(timeout=30_000)

    # maturity check: „ja“, then „nein“ — the case, not the learner's own service below
    ladder = questions.nth(2)
    focus_and_press(ladder.get_by_role("radiogroup", name="1. Gibt es A?").first.get_by_role(
        "radio", name="ja"), "Space")
    focus_and_press(ladder.get_by_role("radiogroup", name="2. Gibt es B?").first.get_by_role(
        "radio", name="nein"), "Space")
    ladder.get_by_text("Ergebnis: Stufe B").wait_for(timeout=30_000)

    # data chart: filter with the keyboard, read the table, mark the bar
    chart = questions.nth(3)
    focus_and_press(chart.get_by_role("combobox", name="Anliegen"), "ArrowDown")
    chart.get_by_role("img", name="Wartezeit: Meldewesen, vormittags").wait_for(timeout=30_000)
    assert chart.get_by_role("row", name="Mittwoch 30 Minuten").count() == 1
    focus_and_press(chart.get_by_role("radiogroup", name="Markieren Sie einen Balken"
                                      ).get_by_role("radio", name="Mittwoch"), "Space")
    chart.get_by_text("Markiert: Mittwoch").wait_for(state="attached", timeout=30_000)

    page.get_by_text("4 von 4 Fragen beantwortet").wait_for(timeout=60_000)
    assert axe_violations(page) == []
    kernels = kernel_rss_mb(portal.voila.pid)
    assert kernels and max(kernels.values()) <= KERNEL_BUDGET_MB, kernels

    focus_and_press(page.get_by_role("button", name="Abgeben"), "Enter")
    page.locator(".kurskit-result").wait_for(timeout=90_000)
    assert "Ihr Ergebnis: 5 von 5 Punkten" in page.locator(".kurskit-result").inner_text()
    assert gradebook_score(project) == 5
    page.close()


def gradebook_score(project) -> float:
    from nbgrader.api import Gradebook

    from kurskit.nbgrader_course import db_url

    with Gradebook(db_url(project.grading)) as gradebook:
        return gradebook.find_submission(MODULE, LEARNER).score


BUNDLE_FILE = re.compile(r"\.(?:js|css|woff2?)(?:\?|$)")


def test_the_overview_prefetches_the_voila_bundle_the_module_page_then_takes_from_cache(
        chromium, portal, project):
    """Opened from its course overview, the module page asks the server for none of its
    scripts, style sheets and fonts again: the overview named them all as prefetch links
    (`kurskit/portal/voila_bundle.txt`) and the browser fetched them while it was open."""
    course = portal_path(project).split("/")[0]
    assert 'rel="prefetch"' not in get(f"{portal.url}/voila/tree").read().decode(), (
        "the list of courses has no module one click away: nothing to prefetch")
    context = chromium.new_context()
    page = context.new_page()
    answers: dict[str, int] = {}
    page.on("response", lambda response: answers.__setitem__(response.url, response.status))
    page.goto(f"{portal.url}/voila/tree/{quote(course)}", wait_until="networkidle")
    named = page.eval_on_selector_all('link[rel="prefetch"]', "links => links.map(l => l.href)")
    assert len(named) == len(voila_bundle.bundle())
    assert {url: answers.get(url) for url in named} == dict.fromkeys(named, 200), (
        "a listed file is not served (an upgrade renamed it?): update voila_bundle.txt")

    page.get_by_role("link", name=re.compile("interaktiv")).first.click()
    page.get_by_role("button", name="Abgeben").wait_for(timeout=90_000)
    page.wait_for_load_state("networkidle")
    loaded = page.evaluate("""performance.getEntriesByType('resource').map(
        e => [e.name, e.transferSize])""")
    base = f"{portal.url}/"
    elsewhere = sorted(name for name, _ in loaded if not name.startswith(base))
    assert not elsewhere, f"the page made the browser ask another site (a CDN?): {elsewhere}"
    files = {name: size for name, size in loaded if BUNDLE_FILE.search(urlsplit(name).path)}
    assert len(files) > 50, f"the page loaded only {len(files)} bundle files"
    unlisted = sorted(name.removeprefix(base) for name in files if name not in named)
    assert not unlisted, "add to kurskit/portal/voila_bundle.txt:\n" + "\n".join(unlisted)
    asked_again = sorted(name for name, size in files.items() if size > 0)
    assert not asked_again, f"fetched again despite the prefetch: {asked_again}"
    context.close()


def test_my_courses_prefetches_the_voila_bundle_when_a_module_opens_in_voila(portal):
    page = get(f"{portal.url}/{MY_COURSES}").read().decode()
    assert page.count('rel="prefetch"') == len(voila_bundle.bundle())

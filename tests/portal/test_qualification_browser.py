"""A learner in Chromium against the real portal, service and nbgrader: two failed attempts
without any explanation (a hint after a wrong „Prüfen“), a pass on the third with the
explanations, the course completed, the certificate downloaded and verified, a fourth
attempt refused, and a revoked certificate shown as revoked."""

import subprocess
import sys

import httpx
import pytest

from conftest import FIXTURES, axe_violations, make_project
from kurskit.authoring.catalog import load_catalog
from kurskit.release.build import release_all
from learner_actions import answer, drawn_exercises
from portal_server import serve_portal

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader]
LEARNER = "zert-lernende"
HINT = "Lesen Sie Art. 33 Abs. 1 DSGVO"


@pytest.fixture(scope="module")
def course_portal(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("zert") / "projekt", FIXTURES / "courses")
    release_all(project)
    with serve_portal(project, LEARNER) as running:
        yield running


def open_page(chromium, url):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    page.wait_for_selector("html[data-kk-bereit]")
    return page


def submit(page, label):
    page.get_by_role("button", name=label).click()
    page.locator(".kurskit-result").wait_for(timeout=60_000)
    return page.locator(".kurskit-result").inner_text()


def test_fail_twice_pass_third_certificate_verified_fourth_refused(chromium, course_portal):
    catalog = load_catalog(course_portal.project.courses)
    first, second = catalog.modules
    keys = [e.explanation for m in catalog.modules for e in m.notebook.exercises
            if e.explanation]
    page = open_page(chromium, course_portal.page_url(first.id))
    questions = page.locator(".kk-frage")
    exercises = first.notebook.exercises
    answer(questions.nth(0), exercises[0], right=False)
    questions.nth(0).get_by_role("button", name="Prüfen (noch 2)").click()
    questions.nth(0).get_by_text("Noch nicht richtig").wait_for(timeout=15_000)
    assert HINT in questions.nth(0).inner_text()  # the author's hint, not the answer
    assert exercises[0].explanation not in page.content()

    shown = submit(page, "Abgeben")  # attempt 1: 0 of 4
    assert "Modul noch nicht bestanden" in shown and "noch 2 Versuche" in shown
    content = page.content()
    assert [key for key in keys if key in content] == []

    page.reload()
    page.wait_for_selector("html[data-kk-bereit]")
    shown = submit(page, "Abgeben")  # attempt 2, still wrong
    assert "noch 1 Versuch" in shown
    assert [key for key in keys if key in page.content()] == []

    page.reload()
    page.wait_for_selector("html[data-kk-bereit]")
    questions = page.locator(".kk-frage")
    for index, exercise in enumerate(exercises):
        answer(questions.nth(index), exercise, right=True)
    shown = submit(page, "Abgeben")  # attempt 3: passed, the review point
    assert "Modul bestanden" in shown and "keinen Versuch mehr" in shown
    assert exercises[0].explanation in page.content()
    page.close()

    page = open_page(chromium, course_portal.page_url(second.id))
    questions = page.locator(".kk-frage")
    drawn = httpx.get(f"{course_portal.service_url}/api/v1/modules/{second.id}/draw").json()
    for index, exercise in enumerate(drawn_exercises(second, drawn["drawn"])):
        answer(questions.nth(index), exercise, right=True)
    shown = submit(page, "Abgeben")
    assert "Sie haben den Kurs bestanden" in shown
    with page.expect_download(timeout=120_000) as download:  # WeasyPrint on a busy machine
        page.get_by_role("link", name="Zertifikat herunterladen (PDF)").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    verify = page.get_by_role("link", name="Echtheit prüfen").get_attribute("href")
    code = verify.rsplit("/", 1)[1]
    page.goto(course_portal.url + verify)
    assert "Gültig" in page.locator("main").inner_text()
    assert LEARNER in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.lang") == "de"
    assert axe_violations(page) == []

    page.goto(course_portal.url + "/")  # the course overview leads to „Meine Kurse“
    page.get_by_role("link", name="Meine Kurse").click()
    page.get_by_role("heading", name="Meine Kurse").wait_for()
    assert "Zertifikat (gültig" in page.locator("main").inner_text()
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("link", name="herunterladen (PDF)").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    assert page.get_by_role("link", name="Echtheit prüfen").get_attribute("href") == verify
    assert axe_violations(page) == []

    page.goto(course_portal.url + f"/zertifikat/{code[:-1]}{'1' if code[-1] != '1' else '2'}")
    assert "Ungültiger Prüfcode" in page.locator("main").inner_text()

    page = open_page(chromium, course_portal.page_url(first.id))  # a fourth attempt
    page.get_by_role("button", name="Abgeben").click()
    page.get_by_text("alle 3 erlaubten Versuche").first.wait_for(timeout=30_000)

    revoked = subprocess.run(
        [sys.executable, "-m", "kurskit.cli", "--root", str(course_portal.project.root),
         "certificates", "revoke", code, "--reason", "Prüfung wiederholt", "--actor", "t"],
        capture_output=True, text=True)
    assert revoked.returncode == 0, revoked.stderr
    page.goto(course_portal.url + f"/zertifikat/{code}")
    text = page.locator("main").inner_text()
    assert "Widerrufen" in text and "Prüfung wiederholt" in text

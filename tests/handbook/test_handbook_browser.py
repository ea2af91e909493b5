"""The handbook in real Chromium: axe-core (WCAG 2.1 A/AA) finds nothing on any page type."""

import pytest

from conftest import axe_violations
from kurskit.release.build import build_site

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader]

# one page of each type of the real catalogue's handbook
PAGES = {
    "start": "index.html",
    "catalogue": "kurse/index.html",
    "course": "kurse/datenschutz.html",
    "module (lesson with picture)": "kurse/datenschutz/02-betroffenenrechte.html",
    "competences": "kompetenzen.html",
    "progress (no data yet)": "fortschritt.html",
    "glossary": "glossar.html",
    "trainers' guide": "trainer.html",
    "accessibility statement": "barrierefreiheit.html",
    "developers": "entwickler.html",
    "record of processing activities": "datenschutz/verzeichnis.html",
    "works council": "datenschutz/personalrat.html",
}


@pytest.fixture(scope="module")
def handbook(released_real, serve_site):
    build_site(released_real)
    return serve_site(released_real.site)


@pytest.fixture(scope="module")
def graded_handbook(graded_example, serve_site):
    from kurskit.cli import main

    assert main(["--root", str(graded_example.root), "report"]) == 0
    build_site(graded_example)
    return serve_site(graded_example.site)


@pytest.mark.parametrize("kind", PAGES)
def test_page_type_has_no_wcag21_aa_violations(chromium, handbook, kind):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{handbook}/{PAGES[kind]}")
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.lang") == "de"
    assert axe_violations(page) == []
    page.close()


def test_progress_with_charts_and_a_withheld_module_has_no_violations(chromium,
                                                                      graded_handbook):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{graded_handbook}/fortschritt.html")
    page.wait_for_load_state("load")
    assert page.get_by_text("weniger als 5").count() >= 4
    images = page.locator("img[src^='fortschritt/']")
    assert images.count() == 3
    for image in images.all():
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert len(image.get_attribute("alt") or "") > 40
    assert axe_violations(page) == []
    page.close()


def test_narrow_screen_and_german_search(chromium, handbook):
    """A phone-sized window (navigation in the drawer) and the German search index."""
    page = chromium.new_page(viewport={"width": 375, "height": 740})
    page.goto(f"{handbook}/kurse/datenschutz/01-grundlagen.html")
    page.wait_for_load_state("load")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{handbook}/index.html")
    page.wait_for_load_state("networkidle")  # the search index loads in a web worker
    search = page.get_by_role("textbox", name="Suche")
    search.click()
    search.press_sequentially("Auftragsverarbeitung", delay=20)  # material reacts to keys
    result = page.locator(".md-search-result__item").first
    result.wait_for(timeout=20_000)
    assert "Auftragsverarbeitung" in page.locator(".md-search-result").inner_text()
    page.close()

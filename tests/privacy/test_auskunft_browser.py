"""The German overview of an Auskunft is accessible: axe-core (WCAG 2.1 AA) finds nothing."""

from __future__ import annotations

import zipfile

import pytest
from privacy_fixtures import ANNA, add_work_in_progress, own_copy

from conftest import axe_violations
from kurskit.authoring.catalog import load_catalog
from kurskit.privacy.auskunft import export_learner


@pytest.mark.browser
@pytest.mark.nbgrader
def test_the_overview_has_no_wcag21_aa_violations(chromium, graded_example, tmp_path):
    project = own_copy(graded_example, tmp_path / "p")
    add_work_in_progress(project)
    archive = export_learner(project.grading, load_catalog(project.courses), ANNA,
                             tmp_path / "auskunft.zip")
    with zipfile.ZipFile(archive) as opened:
        opened.extract("uebersicht.html", tmp_path)
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto((tmp_path / "uebersicht.html").as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.lang") == "de"
    assert page.locator("table caption").count() >= 5
    assert axe_violations(page) == []
    page.close()

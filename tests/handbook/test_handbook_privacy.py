"""The data-protection pages of the handbook come from the registry: every data type with
purpose, legal basis and retention, and the Personalrat's page with its template."""

from __future__ import annotations

import dataclasses

import pytest

from kurskit.handbook.privacy_pages import council_page, register_page
from kurskit.privacy.registry import load_registry
from kurskit.release.build import build_site


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def test_the_register_lists_every_data_type_as_the_registry_says(registry):
    page = register_page(registry)
    for data_type in registry.types.values():
        for text in (data_type.name, data_type.fields["zweck"],
                     data_type.fields["aufbewahrung"]["text"]):
            assert text.replace("|", "/") in page, text
    assert "Art. 30 Abs. 1 DSGVO" in page and "Zertifikate" in page
    assert "Zertifikate (geplant)" not in page  # issued since issue 14: stored data now
    assert "§ 15 LDSG BW" in page and "**zu bestätigen**" in page
    assert "(zu bestätigen)" in page  # unverified references are marked in the table


def test_a_change_in_the_registry_changes_the_page(registry):
    drafts = registry.types["drafts"]
    changed_fields = {**drafts.fields, "aufbewahrung": {"text": "sieben Tage zur Probe"}}
    changed = dataclasses.replace(registry, types={
        **registry.types, "drafts": dataclasses.replace(drafts, fields=changed_fields)})
    assert "sieben Tage zur Probe" in register_page(changed)
    assert "sieben Tage zur Probe" not in register_page(registry)


def test_the_works_council_page_says_what_managers_see_and_has_a_template(registry):
    page = council_page(registry)
    assert "Was Führungskräfte nicht sehen" in page and "mindestens 5 Personen" in page
    assert "LPVG BW" in page and "Muster – keine Rechtsberatung" in page
    assert "Dienstvereinbarung über den Einsatz der Lernplattform kurskit" in page
    assert "Abgaben (Antworten und Notebooks)" in page  # from the registry
    hidden = page.split("Was Führungskräfte nicht sehen")[1].split("Einzelne Ergebnisse")[0]
    assert "Zertifikate" in hidden  # stored since issue 14; managers see only the quota


@pytest.mark.nbgrader
def test_the_built_handbook_has_both_pages_in_german_navigation(released_example):
    build_site(released_example)
    register = (released_example.site / "datenschutz" / "verzeichnis.html").read_text("utf-8")
    council = (released_example.site / "datenschutz" / "personalrat.html").read_text("utf-8")
    assert "Verzeichnis von Verarbeitungstätigkeiten" in register
    assert "90 Tage nach dem letzten Speichern" in register
    assert "Muster einer Dienstvereinbarung" in council
    assert "Für den Personalrat" in register and "Verarbeitungsverzeichnis" in council  # nav

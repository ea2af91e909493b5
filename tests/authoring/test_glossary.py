"""The glossary (courses/glossar.yml): content facts, its lint in `kurskit check`, anchors."""

import shutil

import pytest

from conftest import FIXTURES, REPO
from kurskit.authoring.glossary import load_glossary, slug
from kurskit.cli import main

# the terms the courses rely on (issue 6): each must be a term, abbreviation or alias
REQUIRED = ["OZG", "OZG 2.0", "EfA", "FIM", "LeiKa", "Reifegrad", "Nutzerkonto", "BundID",
            "DeutschlandID", "DSGVO", "personenbezogene Daten", "Verantwortliche",
            "Auftragsverarbeitung", "Betroffenenrechte", "Auskunftsrecht",
            "Datenschutz-Folgenabschätzung", "Datenpanne", "BSI", "IT-Grundschutz", "Phishing",
            "Zwei-Faktor-Authentisierung", "Informationssicherheitsbeauftragte"]


def test_real_glossary_is_clean_and_defines_the_course_terms():
    glossary = load_glossary(REPO / "courses")
    assert [str(p) for p in glossary.problems] == []
    forms = {f for t in glossary.terms for f in t.forms}
    assert [r for r in REQUIRED if r not in forms] == []
    assert all(t.source.startswith("https://") for t in glossary.terms)
    assert glossary.legal_state  # the page states the „Rechtsstand“
    datenpanne = next(t for t in glossary.terms if t.term == "Datenpanne")
    assert "72 Stunden" in datenpanne.definition and "Art. 33" in datenpanne.definition


@pytest.mark.parametrize("scenario, message", [
    ("duplicate-term", "term 'Datenpanne' is defined twice"),
    ("missing-definition", "term 'Phishing': 'definition' is a required property"),
    ("alias-of-two-terms", "term 'DeutschlandID': 'BundID' is already a spelling of "
                           "'Nutzerkonto'"),
])
def test_a_broken_glossary_fails_the_check_with_one_line(tmp_path, capsys, scenario, message):
    shutil.copytree(FIXTURES / "courses", tmp_path / "courses")
    shutil.copy2(FIXTURES / "glossaries" / f"{scenario}.yml", tmp_path / "courses" / "glossar.yml")
    assert main(["--root", str(tmp_path), "check", "--static"]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [f"{tmp_path / 'courses' / 'glossar.yml'}: {message}"]


def test_a_course_without_glossary_is_clean(tmp_path, capsys):
    shutil.copytree(FIXTURES / "courses", tmp_path / "courses")
    assert main(["--root", str(tmp_path), "check", "--static"]) == 0


def test_anchors_are_ascii_and_stable():
    assert slug("Datenschutz-Folgenabschätzung") == "datenschutz-folgenabschaetzung"
    assert slug("Technische und organisatorische Maßnahmen") == (
        "technische-und-organisatorische-massnahmen")
    assert slug("XÖV") == "xoev"

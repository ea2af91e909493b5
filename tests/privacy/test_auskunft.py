"""`kurskit privacy export`: the learner's zip holds their answers, scores, drafts, checks and
audit entries — and nobody else's; hostile paths and ids are refused without changes."""

from __future__ import annotations

import json
import zipfile
from html.parser import HTMLParser

import pytest
from privacy_fixtures import ANNA, add_work_in_progress, own_copy

from conftest import LEARNER_NAMES
from kurskit import layout
from kurskit.cli import main
from kurskit.privacy import audit


@pytest.fixture
def project(graded_example, tmp_path):
    copy = own_copy(graded_example, tmp_path / "p")
    add_work_in_progress(copy)
    return copy


@pytest.mark.nbgrader
def test_the_auskunft_holds_everything_about_the_learner(project, tmp_path):
    output = tmp_path / "auskunft-anna.zip"
    # a stored result as the grading worker writes it: with the author's explanation
    explanation = "Die Meldung muss binnen 72 Stunden bei der Aufsichtsbehörde sein."
    stored = layout.attempt_dir(project.grading, ANNA, "beispiel-01-kurz", 1) / layout.RESULT
    stored.write_text(json.dumps({"module": "beispiel-01-kurz", "score": 4.0, "questions": [
        {"qid": "frist", "points": 1.0, "correct": True, "feedback": explanation}]}))
    assert main(["--root", str(project.root), "privacy", "export", ANNA,
                 "--output", str(output), "--actor", "trainerin-mueller"]) == 0
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        data = json.loads(archive.read("data.json"))
        page = archive.read("uebersicht.html").decode("utf-8")
    assert data["kennung"] == ANNA and data["konto"]["last_name"] == "Quastenberg"
    # both attempts with the answers she gave (FULL in conftest) and their results
    attempts = {(a["modul"], a["versuch"]): a for a in data["versuche"]}
    assert set(attempts) == {("beispiel-01-kurz", 1), ("beispiel-02-weitere", 1)}
    assert attempts[("beispiel-01-kurz", 1)]["antworten"]["frist"] == "72 Stunden"
    assert attempts[("beispiel-02-weitere", 1)]["antworten"] == {"meldefrist": 72}
    gradebook = {m["modul"]: m for m in data["notenbuch"]}
    assert gradebook["beispiel-01-kurz"]["punkte"] == gradebook["beispiel-01-kurz"][
        "max_punkte"] == 4.0
    assert len(gradebook["beispiel-01-kurz"]["aufgaben"]) >= 3
    assert data["entwuerfe"][0]["antworten"] == {"meldefrist": 48}
    assert data["pruefen"][0]["pruefungen_je_frage"] == {"meldefrist": 2}
    assert data["warteschlange"][0]["attempt"] == 9
    assert [e["action"] for e in data["protokoll"]] == ["regrade"]
    assert data["zertifikate"] == [] and "Prüfcode" in data["zertifikate_hinweis"]
    assert {t["id"] for t in data["datenarten"]} >= {"attempts", "drafts", "audit"}
    assert "dateien/attempts/lern-q7-anna/beispiel-01-kurz/0001/01-kurz.ipynb" in names
    assert "dateien/submitted/lern-q7-anna/beispiel-01-kurz/01-kurz.ipynb" in names
    assert not [n for n in names if n.endswith(".lock")]
    # no way round the review point: the graded copies (hidden tests restored) stay out,
    # and no result in it holds the explanations that name the right answers
    assert not [n for n in names if n.startswith(("dateien/autograded/", "dateien/feedback/"))]
    assert "Lösungsschlüssel" in data["nicht_beigefuegt"]
    with zipfile.ZipFile(output) as archive:
        for name in names:
            blob = archive.read(name).decode("utf-8", errors="replace")
            assert "HIDDEN TESTS" not in blob and explanation not in blob, name
    assert attempts[("beispiel-01-kurz", 1)]["ergebnis"]["questions"] == [
        {"qid": "frist", "points": 1.0, "correct": True}]
    # nobody else's data
    others = [w for learner, ns in LEARNER_NAMES.items() if learner != ANNA
              for w in (learner, *ns)]
    with zipfile.ZipFile(output) as archive:
        for name in names:
            blob = archive.read(name).decode("utf-8", errors="replace")
            assert not [w for w in others if w in blob or w in name], name
    # the overview is German, escaped HTML with the answers in it
    parser = HTMLParser()
    parser.feed(page)
    assert '<html lang="de">' in page and "Auskunft über Ihre Daten" in page
    assert "Datenminimierung" in page and "Quastenberg" in page
    assert "Art. 77 DSGVO" in page and "Herkunft der Daten" in page
    assert "Aufbewahrung" in page and "90 Tage nach dem letzten Speichern" in page
    # the export itself is in the audit log, about her
    last = list(audit.entries(project.grading))[-1]
    assert (last["action"], last["subject"], last["actor"]) == (
        "privacy-export", ANNA, "trainerin-mueller")


@pytest.mark.nbgrader
def test_an_existing_file_and_a_wrong_name_are_refused(project, tmp_path, capsys):
    existing = tmp_path / "schon-da.zip"
    existing.write_bytes(b"keep me")
    log_before = list(audit.entries(project.grading))
    assert main(["--root", str(project.root), "privacy", "export", ANNA,
                 "--output", str(existing)]) == 1
    assert "exists" in capsys.readouterr().err and existing.read_bytes() == b"keep me"
    assert main(["--root", str(project.root), "privacy", "export", ANNA,
                 "--output", str(tmp_path / "auskunft.txt")]) == 1
    assert ".zip" in capsys.readouterr().err
    assert main(["--root", str(project.root), "privacy", "export", "lern-q7-nobody",
                 "--output", str(tmp_path / "a.zip")]) == 1
    assert "holds no data" in capsys.readouterr().err
    assert main(["--root", str(project.root), "privacy", "export", "../etc",
                 "--output", str(tmp_path / "b.zip")]) == 2
    assert "invalid learner id" in capsys.readouterr().err
    assert not (tmp_path / "a.zip").exists() and not (tmp_path / "b.zip").exists()
    assert list(audit.entries(project.grading)) == log_before

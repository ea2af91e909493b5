"""`kurskit export`: the Moodle file imports by the rules of Moodle's CSV grade import, the
German CSV opens in Excel, both come from the real gradebook and are in the audit log."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from kurskit import nbgrader_course
from kurskit.cli import main
from kurskit.layout import Project
from kurskit.privacy import audit

ITEMS = {"Kurzes Beispielmodul": 4.0, "Weitere Fragearten": 8.0}  # module titles → max points


@pytest.fixture
def project(graded_example, tmp_path):
    shutil.copytree(graded_example.root, tmp_path / "p", symlinks=True)
    copy = Project(tmp_path / "p")
    with nbgrader_course.open_gradebook(copy.grading) as book:  # enrolled, nothing submitted
        book.update_or_create_student("lern-q7-gustav", first_name="Gustav",
                                      last_name="=HYPERLINK(\"x\")", email="g@example.org")
    return copy


def moodle_import(data: bytes, map_from: str, items: dict[str, float]) -> dict[str, dict]:
    """Moodle's CSV grade import, as documented (docs.moodle.org/311/en/Grade_import) and as
    its reader does it: the chosen encoding (UTF-8) with a BOM stripped, the chosen
    separator (comma), a header row of unique, trimmed, non-empty names, every row as long
    as the header; "Map from" a column to a user field; each grade item's column and its
    „Feedback for <item>“ column; an empty grade leaves the grade alone, anything else must
    be a number (decimal point) between 0 and the item's maximum."""
    text = data.decode("utf-8")
    text = text[1:] if text.startswith("\ufeff") else text
    rows = list(csv.reader(io.StringIO(text), delimiter=","))
    header = [name.strip() for name in rows[0]]
    assert all(header) and len(set(header)) == len(header), header
    key = header.index(map_from)
    imported: dict[str, dict] = {}
    for row in rows[1:]:
        assert len(row) == len(header), row
        user = row[key]
        assert user, f"row without {map_from}: {row}"
        grades = {}
        for item, maximum in items.items():
            value, feedback = row[header.index(item)], row[header.index(f"Feedback for {item}")]
            if value.strip() == "":
                assert feedback == ""
                continue
            grade = float(value)  # Moodle's unformat_float with the decimal point
            assert 0 <= grade <= maximum
            grades[item] = (grade, feedback)
        imported[user] = grades
    return imported


@pytest.mark.nbgrader
def test_the_moodle_file_imports_with_every_value(project, tmp_path):
    output = tmp_path / "moodle.csv"
    assert main(["--root", str(project.root), "export", "--format", "moodle",
                 "--output", str(output), "--actor", "trainer-a"]) == 0
    data = output.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    by_email = moodle_import(data, "Email address", ITEMS)
    by_username = moodle_import(data, "Username", ITEMS)
    expected = {  # from GRADED_SUBMISSIONS, graded by nbgrader
        "lern-q7-anna": {"Kurzes Beispielmodul": 4.0, "Weitere Fragearten": 1.0},
        "lern-q7-bernd": {"Kurzes Beispielmodul": 4.0, "Weitere Fragearten": 0.0},
        "lern-q7-carla": {"Kurzes Beispielmodul": 3.0, "Weitere Fragearten": 2.0},
        "lern-q7-dirk": {"Kurzes Beispielmodul": 2.0},
        "lern-q7-emma": {"Kurzes Beispielmodul": 1.0},
        "lern-q7-fritz": {"Kurzes Beispielmodul": 4.0}}
    assert {u: {i: g for i, (g, _) in grades.items()} for u, grades in
            by_username.items()} == expected  # gustav has no grade: no row
    for user, grades in by_username.items():  # every feedback names its own grade
        for item, (grade, feedback) in grades.items():
            verdict = "bestanden" if grade / ITEMS[item] >= 0.6 else "nicht bestanden"
            assert feedback == (f"{grade:g} von {ITEMS[item]:g} Punkten "
                                f"({100 * grade / ITEMS[item]:.0f} %) – {verdict} "
                                "(Bestehensgrenze 60 %)"), (user, item)
    assert by_email["annegret.quastenberg@example.org"] == by_username["lern-q7-anna"]
    assert by_username["lern-q7-anna"]["Kurzes Beispielmodul"][1] == (
        "4 von 4 Punkten (100 %) – bestanden (Bestehensgrenze 60 %)")
    assert by_username["lern-q7-dirk"]["Kurzes Beispielmodul"][1].endswith(
        "– nicht bestanden (Bestehensgrenze 60 %)")
    last = list(audit.entries(project.grading))[-1]
    assert (last["action"], last["actor"], last["details"]["format"]) == (
        "export", "trainer-a", "moodle")


@pytest.mark.nbgrader
def test_the_german_csv_for_the_personalamt(project, tmp_path):
    course_yml = project.courses / "beispiel" / "course.yml"  # a one-module course
    course_yml.write_text(course_yml.read_text("utf-8").replace("  - 02-weitere.ipynb\n", ""),
                          "utf-8")
    output = tmp_path / "personalamt.csv"
    assert main(["--root", str(project.root), "export", "--format", "csv",
                 "--course", "beispiel", "--output", str(output)]) == 0
    raw = output.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Name", "Kurs", "Status", "Datum", "Zertifikat gültig bis"]
    table = {row[0]: row[1:] for row in rows[1:]}
    course = "Beispielkurs für Tests"
    assert table["Quastenberg, Annegret"] == [course, "bestanden", "02.03.2026", ""]
    assert table["Kranichsteg, Fritzhold"] == [course, "bestanden", "19.03.2026", ""]
    assert table["Sturmfeder, Emmeline"] == [course, "begonnen", "18.03.2026", ""]
    # no submission yet: offen; a name Excel would run as a formula is quoted
    assert table["'=HYPERLINK(\"x\"), Gustav"] == [course, "offen", "", ""]
    assert len(rows) == 1 + 7


@pytest.mark.nbgrader
def test_both_modules_count_for_the_status(project, tmp_path):
    output = tmp_path / "alle.csv"
    assert main(["--root", str(project.root), "export", "--format", "csv",
                 "--output", str(output)]) == 0
    rows = list(csv.reader(io.StringIO(output.read_text("utf-8-sig")), delimiter=";"))
    statuses = {row[0]: (row[2], row[3]) for row in rows[1:]}
    # anna passed module 01 but not 02 (1 of 7 points): begonnen, latest submission 05.03.
    assert statuses["Quastenberg, Annegret"] == ("begonnen", "05.03.2026")


@pytest.mark.nbgrader
def test_hostile_requests_are_refused_and_nothing_is_written(project, tmp_path, capsys):
    existing = tmp_path / "da.csv"
    existing.write_text("alt", "utf-8")
    log_before = list(audit.entries(project.grading))
    assert main(["--root", str(project.root), "export", "--format", "csv",
                 "--output", str(existing)]) == 1
    assert "exists" in capsys.readouterr().err and existing.read_text("utf-8") == "alt"
    assert main(["--root", str(project.root), "export", "--format", "moodle",
                 "--course", "gibtsnicht", "--output", str(tmp_path / "x.csv")]) == 1
    assert "unknown course 'gibtsnicht'; courses: beispiel" in capsys.readouterr().err
    assert main(["--root", str(project.root), "export", "--format", "csv",
                 "--output", str(tmp_path / "fehlt" / "x.csv")]) == 1
    assert "is no folder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--root", str(project.root), "export", "--format", "xlsx", "--output", "y"])
    assert not (tmp_path / "x.csv").exists()
    assert list(audit.entries(project.grading)) == log_before

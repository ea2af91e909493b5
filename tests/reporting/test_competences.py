from conftest import FIXTURES
from kurskit.authoring.catalog import load_catalog
from kurskit.cli import main
from kurskit.handbook.pages import competences_page
from kurskit.reporting.competences import coverage, coverage_report


def test_fixture_course_covers_one_competence_and_shows_the_gaps():
    rows = {row.competence: row for row in coverage(load_catalog(FIXTURES / "courses"))}
    assert len(rows) == 21
    assert rows["4.2"].modules == ["beispiel-01-kurz", "beispiel-02-weitere"]
    assert rows["4.2"].courses == {"beispiel": 2}
    assert not rows["3.4"].covered
    report = coverage_report(load_catalog(FIXTURES / "courses"))
    assert report.endswith("1 of 21 DigComp 2.2 competences covered by 2 modules")


def test_the_catalogue_covers_all_21_competences(real_catalog, capsys):
    assert all(row.covered for row in coverage(real_catalog))
    from conftest import REPO

    assert main(["--root", str(REPO), "competences"]) == 0
    assert "21 of 21 DigComp 2.2 competences covered" in capsys.readouterr().out


def test_competence_page_has_a_column_per_course_and_marks_gaps(real_catalog):
    page = competences_page(real_catalog)
    for course in real_catalog.courses:
        assert f'<th scope="col">{course.title}</th>' in page  # the matrix header
    assert "3.4 Programmieren" in page
    assert "kk-gap" not in page and "**Lücken:**" not in page  # the catalogue has none
    # levels are written out, so the colour of a cell only repeats its text
    assert '<td class="kk-band-grundlegend">Stufe 2 (Grundlegend)</td>' in page
    # a catalogue with gaps marks them, in the matrix and in the list below it
    gaps = competences_page(load_catalog(FIXTURES / "courses"))
    assert '<td class="kk-gap"><strong>Lücke</strong></td>' in gaps
    assert "**Lücken:**" in gaps and "3.4 Programmieren" in gaps

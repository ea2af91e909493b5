from conftest import FIXTURES, REPO
from kurskit.authoring import digcomp
from kurskit.authoring.catalog import load_catalog


def test_real_catalogue_is_statically_clean(real_catalog):
    assert [str(p) for p in real_catalog.problems] == []
    ids = [m.id for m in real_catalog.modules]
    assert "datenschutz-01-grundlagen" in ids
    assert len(ids) == len(set(ids))


def test_datenschutz_module_meets_the_spine(real_catalog):
    module = real_catalog.module("datenschutz-01-grundlagen")
    kinds = [e.spec.kind for e in module.notebook.exercises]
    assert len(kinds) >= 6
    assert {"single_choice", "multiple_choice", "matching"} <= set(kinds)
    assert module.title == "Grundlagen des Datenschutzes"
    course = real_catalog.courses[[c.id for c in real_catalog.courses].index("datenschutz")]
    for key in ("title", "audience", "level", "minutes", "objectives", "competences", "modules"):
        assert course.manifest[key]
    assert all(c["id"] in digcomp.COMPETENCES for c in course.manifest["competences"])


def test_module_order_comes_from_the_manifest(tmp_path):
    import shutil

    course = tmp_path / "courses" / "beispiel"
    shutil.copytree(FIXTURES / "courses" / "beispiel", course)
    shutil.copy2(course / "01-kurz.ipynb", course / "00-zuerst.ipynb")
    catalog = load_catalog(tmp_path / "courses")
    assert [m.filename for m in catalog.modules] == ["01-kurz.ipynb", "02-weitere.ipynb"]
    assert any("00-zuerst.ipynb is not listed" in str(p) for p in catalog.problems)


def test_a_course_length_that_its_modules_do_not_add_up_to_is_reported(tmp_path):
    import shutil

    course = tmp_path / "courses" / "beispiel"
    shutil.copytree(FIXTURES / "courses" / "beispiel", course)
    assert load_catalog(tmp_path / "courses").problems == []
    manifest = course / "course.yml"
    manifest.write_text(manifest.read_text("utf-8").replace("minutes: 20", "minutes: 30"),
                        "utf-8")
    assert [str(p) for p in load_catalog(tmp_path / "courses").problems] == [
        f"{manifest}: minutes: 30, but its modules take 20 (10 + 10)"]


def test_broken_manifests_are_reported_with_their_file():
    problems = [str(p) for p in load_catalog(FIXTURES / "broken-courses").problems]
    expected = {
        "manifest-malformed-yaml": "not valid YAML at line",
        "manifest-missing-fields": "'audience' is a required property",
        "manifest-unknown-competence": "'1.5' is not a DigComp 2.2 competence",
    }
    for scenario, message in expected.items():
        assert any(f"{scenario}/course.yml" in p and message in p for p in problems), problems


def test_repo_layout_exists():
    for name in ("courses", "grading/nbgrader_config.py", "site", "mkdocs.yml", "environment.yml",
                 "tests", "README.md", "pyproject.toml", "Makefile", ".ci/run"):
        assert (REPO / name).exists(), name


def test_no_hint_in_the_catalogue_gives_its_answer_away(real_catalog):
    """The key-leak scan for hints: a hint („Prüfen“ after a wrong answer, before the review
    point) contains no text of its right answer and is not the explanation."""
    import re

    from kurskit.authoring.exercise_cells import answer_texts

    hinted = [e for m in real_catalog.modules for e in m.notebook.exercises if e.hint]
    assert len(hinted) >= 4
    for exercise in hinted:
        assert exercise.hint != exercise.explanation
        for text in answer_texts(exercise.checked_solution):
            assert not re.search(rf"(?<!\w){re.escape(text)}(?!\w)", exercise.hint, re.I), (
                exercise.qid, text)

"""`kurskit build`: release, learner portal and handbook, none of which may carry a key."""

import json

import pytest

from kurskit.build import BuildError, build_site, release_all
from kurskit.cli import main
from kurskit.portal import portal_path

pytestmark = pytest.mark.nbgrader


def keys_of(catalog):
    """Strings that only the grading side may know: explanations and solution assignments."""
    keys = []
    for module in catalog.modules:
        for exercise in module.notebook.exercises:
            if exercise.manual:  # free text: the trainers' grading guidance is the key
                keys.append(exercise.guidance.strip())
            else:
                keys.append(exercise.explanation)
                keys.append(f"{exercise.qid} = {exercise.solution!r}")
    assert all(len(key) >= 10 for key in keys)
    return keys


def test_build_makes_release_portal_and_handbook(example_project, capsys):
    assert main(["--root", str(example_project.root), "build"]) == 0
    release = example_project.grading / "release" / "beispiel-01-kurz" / "01-kurz.ipynb"
    assert release.is_file()
    portal = list(example_project.portal.rglob("*.ipynb"))
    assert sorted(p.relative_to(example_project.portal).as_posix() for p in portal) == [
        "Beispielkurs für Tests/01 Kurzes Beispielmodul.ipynb",
        "Beispielkurs für Tests/02 Weitere Fragearten.ipynb"]
    site = example_project.site
    assert (site / "index.html").is_file()
    course_page = (site / "kurse" / "beispiel.html").read_text("utf-8")
    assert "Beispielkurs für Tests" in course_page
    assert "Sie können eine Abgabe prüfen." in course_page
    assert "Kurzes Beispielmodul" in course_page
    assert 'lang="de"' in (site / "index.html").read_text("utf-8")
    api = json.loads((site / "api" / "openapi.json").read_text("utf-8"))
    assert "/api/v1/modules/{module_id}/submissions" in api["paths"]
    assert "/api/v1/modules/{module_id}/submissions" in (site / "api" / "index.html").read_text(
        "utf-8")


def test_no_key_reaches_release_portal_or_site(released_real, real_catalog):
    build_site(released_real)
    keys = keys_of(real_catalog)
    assert keys
    places = [*(released_real.grading / "release").rglob("*.ipynb"),
              *released_real.portal.rglob("*.ipynb"),
              *[p for p in released_real.site.rglob("*") if p.suffix in {".html", ".json", ".js"}]]
    assert places
    for path in places:
        text = path.read_text("utf-8")
        for key in keys:
            assert key not in text, f"{key[:40]!r} leaks into {path}"
        if path.suffix == ".ipynb":  # (the developer page may name the markers)
            assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text


def test_every_real_module_is_in_the_portal_and_handbook(released_real, real_catalog):
    build_site(released_real)
    for course in real_catalog.courses:
        page = (released_real.site / "kurse" / f"{course.id}.html").read_text("utf-8")
        for module in course.modules:
            assert (released_real.portal / portal_path(course, module)).is_file()
            assert module.title in page


def test_build_refuses_a_broken_catalogue(example_project):
    notebook = example_project.courses / "beispiel" / "01-kurz.ipynb"
    notebook.write_text("{kaputt", "utf-8")
    with pytest.raises(BuildError, match=r"01-kurz\.ipynb: not a valid notebook"):
        release_all(example_project)
    assert not (example_project.grading / "release").exists()

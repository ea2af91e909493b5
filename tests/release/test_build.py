"""`kurskit build`: release, learner portal and handbook, none of which may carry a key."""

import html
import json
import os
import re

import nbformat
import pytest

from conftest import REPO
from kurskit.authoring.glossary import load_glossary
from kurskit.authoring.pools import graded_units
from kurskit.cli import main
from kurskit.layout import portal_path, portal_url, release_notebook
from kurskit.release.build import BuildError, build_site, release_all

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


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


def normalized(text: str) -> str:
    return " ".join(text.split())


def readable(markdown: str) -> str:
    """Markdown as a reader sees it: no emphasis markers, links as their text."""
    return normalized(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown).replace("*", ""))


def leaks_in(text: str, secrets) -> list[str]:
    """Secrets that occur as whole words (a term inside a longer word is no leak)."""
    return [s for s in secrets if s in text and re.search(
        r"(?<!\w)" + re.escape(s) + r"(?!\w)", text)]


def secrets_of(catalog, grading_root):
    """Everything the handbook must not show, whitespace-normalized: the keys above, every
    solution literal that learners cannot already read in a release, a manifest or the
    glossary (public content: „Datenschutzbeauftragter“ is a spelling of a term there;
    distinctive ones,
    8 characters or more: short values like True or 3 occur everywhere), and each line of
    the trainers' guidance for free text."""
    secrets = {normalized(k) for k in keys_of(catalog)}
    public = readable("\n".join(
        [cell.source for module in catalog.modules
         for cell in nbformat.read(
             release_notebook(grading_root, module.id, module.filename), 4).cells]
        + [" ".join((*t.forms, t.definition)) for t in load_glossary(REPO / "courses").terms]
        + [json.dumps([c.manifest, *(m.notebook.metadata for m in c.modules)],
                      ensure_ascii=False) for c in catalog.courses]))
    for module in catalog.modules:
        for exercise in module.notebook.exercises:
            for literal in strings_in(exercise.solution):
                if len(literal.strip()) >= 8 and not leaks_in(public, [normalized(literal)]):
                    secrets.add(normalized(literal))
            for line in exercise.guidance.splitlines():
                line = re.sub(r"^[\s>*+-]*(\d+\.)?\s*|\*\*", "", line).strip()
                if len(line) >= 20:
                    secrets.add(normalized(line))
    return secrets


def site_texts(site):
    """Every HTML, JS, JSON and SVG file of the site as a reader would see its text."""
    for path in site.rglob("*"):
        if path.suffix not in {".html", ".js", ".json", ".svg", ".xml"}:
            continue
        raw = path.read_text("utf-8")
        texts = [raw, html.unescape(raw)]
        if path.suffix == ".json":  # e.g. the search index, with its own escaping
            texts.append("\n".join(strings_in(json.loads(raw))))
            texts.append(html.unescape(texts[-1]))
            texts.append(re.sub(r"<[^>]+>", "", texts[-1]))
        yield path, normalized("\n".join(texts))


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


def test_no_solution_hidden_test_or_guidance_reaches_any_site_file(released_real, real_catalog):
    build_site(released_real)
    secrets = secrets_of(real_catalog, released_real.grading)
    assert len(secrets) > 300
    checked = 0
    for path, text in site_texts(released_real.site):
        checked += 1
        leaks = [s[:60] for s in leaks_in(text, secrets)]
        assert not leaks, f"{path} shows {leaks[:3]}"
    index = released_real.site / "search" / "search_index.json"
    assert index.is_file() and checked > 40
    # the scan would see a leak: the index (which escapes ü as \\u00fc) holds the lesson
    # pages with their (public) question prompts
    prompt = real_catalog.modules[0].notebook.exercises[0].spec.prompt
    assert prompt[:40] not in index.read_text("utf-8")
    assert prompt in "\n".join(strings_in(json.loads(index.read_text("utf-8"))))


def test_module_pages_show_the_released_lesson_with_links(released_real, real_catalog):
    build_site(released_real)
    site = released_real.site
    for course in real_catalog.courses:
        for module in course.modules:
            page = (site / "kurse" / course.id / f"{module.path.stem}.html").read_text("utf-8")
            assert f">{html.escape(module.title, quote=False)}</h1>" in page
            assert html.escape(portal_url("http://127.0.0.1:8866", course, module)) in page
            for objective in module.notebook.metadata["objectives"]:
                assert html.escape(objective, quote=False) in page
            # a question pool shows once (its first variant)
            assert page.count('class="admonition question"') == len(
                graded_units(module.notebook.exercises))
            assert "Die Antwort wird beim Abgeben" not in page  # no code of the release
    lesson = (site / "kurse" / "datenschutz" / "01-grundlagen.html").read_text("utf-8")
    assert '<a href="../../glossar.html#datenschutz-grundverordnung">' in lesson
    assert "<h2" in lesson and "Welche Regeln gelten?" in lesson
    # pictures: attachments become files beside the page and keep the author's alt text
    picture = site / "kurse" / "datenschutz" / "bilder" / "02-betroffenenrechte-fristen.svg"
    assert picture.read_bytes().lstrip().startswith((b"<svg", b"<?xml"))
    page = (site / "kurse" / "datenschutz" / "02-betroffenenrechte.html").read_text("utf-8")
    assert re.search(r'<img alt="Zeitleiste der Fristen[^"]{20,}" src="bilder/02-betroffenenrechte'
                     r'-fristen.svg"', page)
    # the navigation lists every course and its modules under „Kurskatalog“
    catalogue = (site / "kurse" / "index.html").read_text("utf-8")
    assert all(html.escape(m.title, quote=False) in catalogue for m in real_catalog.modules)


def test_glossary_page_has_an_anchor_for_every_term(released_real):
    build_site(released_real)
    page = (released_real.site / "glossar.html").read_text("utf-8")
    for term in load_glossary(REPO / "courses").terms:
        assert f'id="{term.anchor}"' in page, term.term


def test_site_only_without_a_release_tells_to_run_build(example_project, capsys):
    assert main(["--root", str(example_project.root), "build", "--site-only"]) == 1
    error = capsys.readouterr().err
    assert "release notebook missing" in error and "run `kurskit build`" in error


def test_site_only_with_a_release_older_than_its_source_fails(released_example, capsys):
    source = released_example.courses / "beispiel" / "01-kurz.ipynb"
    release = release_notebook(released_example.grading, "beispiel-01-kurz", "01-kurz.ipynb")
    # an hour newer than the release (the clone's own file time says nothing about that)
    os.utime(source, (source.stat().st_atime, release.stat().st_mtime + 3600))
    assert main(["--root", str(released_example.root), "build", "--site-only"]) == 1
    assert "older than its source" in capsys.readouterr().err


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

"""The static part of `kurskit check`: every course and the glossary, read, never run.

Problems come from the catalogue reader (manifest schema, notebook metadata, cell kinds,
grade ids, hidden tests) and the glossary reader (`courses/glossar.yml`). The round trip
through real nbgrader is `kurskit.release.check`.
"""

from __future__ import annotations

from pathlib import Path

from kurskit.authoring.catalog import Catalog, load_catalog
from kurskit.authoring.glossary import load_glossary
from kurskit.authoring.problems import Problem


def static_problems(courses_dir: Path) -> tuple[Catalog, list[Problem]]:
    """The catalogue and every problem an author must fix before anything is released."""
    catalog = load_catalog(courses_dir)
    return catalog, list(catalog.problems) + load_glossary(courses_dir).problems

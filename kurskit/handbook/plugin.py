"""MkDocs plugin `kurskit`: generates the handbook's pages from the project at build time.

Catalogue, course and module pages (lesson text from the release notebooks), the
competence matrix, the glossary, the progress page (from the aggregates of
`kurskit report`), the data-protection pages (from the registry `datenschutz.yml`) and
the API reference. Registered as an entry point (pyproject.toml,
`mkdocs.plugins`) and enabled in mkdocs.yml; nothing generated is written into site/.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from kurskit import layout
from kurskit.authoring.catalog import Catalog, load_catalog
from kurskit.authoring.glossary import Glossary, load_glossary
from kurskit.handbook.lessons import read_lesson
from kurskit.handbook.pages import (
    api_page,
    catalog_page,
    competences_page,
    course_page,
    course_page_path,
    glossary_href_from_module,
    glossary_page,
    module_page,
    module_page_path,
)
from kurskit.handbook.privacy_pages import COUNCIL_PAGE, REGISTER_PAGE, council_page, register_page
from kurskit.handbook.progress import progress_files
from kurskit.handbook.terms import TermLinker
from kurskit.privacy.registry import RegistryError, load_registry
from kurskit.release.freshness import release_problems
from kurskit.service.app import openapi_document

CATALOG_PAGE = "kurse/index.md"
THEME = Path(__file__).parent / "theme"  # template overrides (German footer)


class KurskitConfig(Config):
    portal_url = config_options.Type(str, default="http://127.0.0.1:8866")


class KurskitPlugin(BasePlugin[KurskitConfig]):
    catalog: Catalog
    glossary: Glossary
    project: layout.Project

    def on_config(self, config: Any) -> Any:
        # the project beside mkdocs.yml, unless the deployment names another root
        self.project = layout.Project.from_env(Path(config.config_file_path).parent)
        self.catalog = load_catalog(self.project.courses)
        self.glossary = load_glossary(self.project.courses)
        problems = [*map(str, self.catalog.problems), *map(str, self.glossary.problems)]
        problems += release_problems(self.catalog, self.project.grading)
        if problems:
            raise PluginError("the handbook is built from the released courses; run "
                              "`kurskit check`, then `kurskit build`:\n" + "\n".join(problems))
        config.nav = _with_courses(config.nav, self.catalog)
        config.theme.dirs.insert(0, str(THEME))
        return config

    def on_files(self, files: Files, config: Any) -> Files:
        catalog, portal = self.catalog, self.config.portal_url

        def add(path: str, content: str | bytes) -> None:
            files.append(File.generated(config, path, content=content))

        add(CATALOG_PAGE, catalog_page(catalog))
        add("kompetenzen.md", competences_page(catalog))
        add("glossar.md", glossary_page(self.glossary))
        for course in catalog.courses:
            add(course_page_path(course), course_page(course, portal))
            for module in course.modules:
                linker = TermLinker(self.glossary.terms, glossary_href_from_module)
                release = layout.release_notebook(self.project.grading, module.id,
                                                  module.filename)
                lesson = read_lesson(release, f"bilder/{module.path.stem}-", linker)
                add(module_page_path(module), module_page(course, module, lesson, portal))
                for name, data in lesson.pictures.items():
                    add(f"kurse/{course.id}/{name}", data)
        for path, content in progress_files(self.project.report).items():
            add(path, content)
        try:
            registry = load_registry()  # the one list of personal data (kurskit/privacy)
        except RegistryError as error:
            raise PluginError(str(error)) from None
        add(REGISTER_PAGE, register_page(registry))
        add(COUNCIL_PAGE, council_page(registry))
        spec = openapi_document()
        add("api/openapi.json", json.dumps(spec, indent=1, ensure_ascii=False))
        add("api/index.md", api_page(spec))
        return files


def _with_courses(nav: Any, catalog: Catalog) -> Any:
    """Under the nav entry of the catalogue page: one section per course with its modules."""
    if not isinstance(nav, list):
        return nav
    result = []
    for entry in nav:
        if isinstance(entry, dict) and len(entry) == 1:
            (title, target), = entry.items()
            if target == CATALOG_PAGE:
                courses: list[Any] = [{"Übersicht": CATALOG_PAGE}]
                for course in catalog.courses:
                    courses.append({course.title: [
                        {"Kursüberblick": course_page_path(course)},
                        *({m.title: module_page_path(m)} for m in course.modules)]})
                result.append({title: courses})
                continue
            if isinstance(target, list):
                result.append({title: _with_courses(target, catalog)})
                continue
        result.append(entry)
    return result


"""MkDocs plugin `kurskit`: adds the catalogue and one page per course at build time.

Registered as an entry point (pyproject.toml, `mkdocs.plugins`) and enabled in
mkdocs.yml; nothing generated is written into site/.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from kurskit.catalog import load_catalog
from kurskit.handbook.pages import (
    api_page,
    catalog_page,
    competences_page,
    course_page,
    course_page_path,
)


class KurskitConfig(Config):
    courses_dir = config_options.Type(str, default="courses")
    portal_url = config_options.Type(str, default="http://127.0.0.1:8866")


class KurskitPlugin(BasePlugin[KurskitConfig]):
    def on_files(self, files: Files, config: Any) -> Files:
        root = Path(os.environ.get("KURSKIT_ROOT") or Path(config.config_file_path).parent)
        catalog = load_catalog(root / self.config.courses_dir)
        files.append(File.generated(config, "kurse/index.md", content=catalog_page(catalog)))
        files.append(File.generated(config, "kompetenzen.md", content=competences_page(catalog)))
        for course in catalog.courses:
            files.append(File.generated(config, course_page_path(course),
                                        content=course_page(course, self.config.portal_url)))
        spec = openapi_document()
        files.append(File.generated(config, "api/openapi.json",
                                    content=json.dumps(spec, indent=1, ensure_ascii=False)))
        files.append(File.generated(config, "api/index.md", content=api_page(spec)))
        return files


def openapi_document() -> dict[str, Any]:
    """The grading service's OpenAPI document (it does not depend on the catalogue)."""
    from kurskit.identity import LocalIdentity
    from kurskit.service import ServiceSettings, create_app

    with tempfile.TemporaryDirectory() as empty:
        (Path(empty) / "courses").mkdir()
        app = create_app(ServiceSettings(courses_dir=Path(empty) / "courses",
                                         grading_root=Path(empty) / "grading",
                                         identity=LocalIdentity("handbuch")))
        return app.openapi()

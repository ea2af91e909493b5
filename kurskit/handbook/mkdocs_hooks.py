"""MkDocs hook: add the catalogue and one page per course, generated at build time.

Registered in mkdocs.yml under `hooks:`; nothing generated is written into site/.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

from kurskit.catalog import load_catalog
from kurskit.handbook.pages import catalog_page, course_page, course_page_path


def on_files(files: Files, config: Any) -> Files:
    root = Path(os.environ.get("KURSKIT_ROOT") or Path(config.config_file_path).parent)
    catalog = load_catalog(root / "courses")
    portal = str(config.extra.get("portal_url", "http://127.0.0.1:8866"))
    files.append(File.generated(config, "kurse/index.md", content=catalog_page(catalog)))
    for course in catalog.courses:
        files.append(File.generated(config, course_page_path(course),
                                    content=course_page(course, portal)))
    return files
